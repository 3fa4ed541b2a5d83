"""Which stage of which pipeline makes an order or an invoice. Pure: pipelines as HubSpot's
Pipelines API returns them (metadata values are strings)."""

from __future__ import annotations

from webapp.sync.stages import INVOICE, NOTHING, ORDER, Rule, fires, pipelines_of, rule_for


def stage(stage_id, label, probability, closed, order=0, archived=False):
    return {
        "id": stage_id,
        "label": label,
        "displayOrder": order,
        "archived": archived,
        "metadata": {"probability": probability, "isClosed": "true" if closed else "false"},
    }


DEFAULT = {
    "id": "default",
    "label": "Sales Pipeline",
    "stages": [
        stage("contractsent", "Contract Sent", "0.9", False, 4),
        stage("closedwon", "Closed Won", "1.0", True, 5),
        stage("closedlost", "Closed Lost", "0.0", True, 6),
    ],
}
# A portal's own pipeline: numeric ids, its won stage renamed, an archived old won stage.
PROJECTS = {
    "id": "7654321",
    "label": "Prosjektsalg",
    "stages": [
        stage("1001001", "Tilbud sendt", "0.5", False, 0),
        stage("1001009", "Gammel vunnet", "1.0", True, 1, archived=True),
        stage("1001003", "Signert", "1", True, 2),
        stage("1001004", "Tapt", "0", True, 3),
    ],
}


def test_the_won_stage_is_known_by_its_metadata_not_its_id():
    pipelines = pipelines_of([DEFAULT, PROJECTS])
    assert pipelines["default"].won_stage.id == "closedwon"
    assert pipelines["7654321"].won_stage.id == "1001003"  # the archived one is not offered


def test_without_a_rule_a_pipeline_invoices_at_its_won_stage():
    projects = pipelines_of([PROJECTS])["7654321"]
    rule = rule_for(projects, {})
    assert rule == Rule("7654321", "1001003", INVOICE)
    assert fires(rule, "1001003") and not fires(rule, "1001001") and not fires(rule, None)


def test_a_chosen_rule_names_its_stage_and_what_it_does():
    projects = pipelines_of([PROJECTS])["7654321"]
    assert rule_for(projects, {"stage": "1001001", "action": ORDER}) == Rule(
        "7654321", "1001001", ORDER
    )
    nothing = rule_for(projects, {"action": NOTHING})
    assert nothing.action == NOTHING and not fires(nothing, "1001003")


def test_a_rule_whose_stage_is_gone_falls_back_to_the_won_stage():
    projects = pipelines_of([PROJECTS])["7654321"]
    for gone in ({"stage": "1001009", "action": ORDER}, {"stage": "nope", "action": INVOICE}):
        assert rule_for(projects, gone) == Rule("7654321", "1001003", INVOICE)


def test_a_pipeline_without_a_won_stage_makes_nothing():
    open_only = pipelines_of(
        [{"id": "9", "label": "Leads", "stages": [stage("1", "Ny", "0.1", False)]}]
    )["9"]
    assert rule_for(open_only, {}) == Rule("9", None, NOTHING)


def test_malformed_pipelines_and_stages_are_left_out():
    found = pipelines_of(
        [
            "not a pipeline",
            {"label": "no id"},
            {"id": "old", "archived": True, "stages": []},
            {"id": "5", "stages": ["x", {"label": "no id"}, stage("51", "Vunnet", "x", True)]},
        ]
    )
    assert list(found) == ["5"]
    assert [s.id for s in found["5"].stages] == ["51"]
    assert found["5"].won_stage is None  # a probability that is not a number is not "1"
