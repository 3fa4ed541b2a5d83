"""Deal pipelines: seedable, numeric ids, custom stages and their metadata, CRUD as the spec has.

Sources: the 2026-03 pipelines spec (crm-pipelines__2026-03: PipelineInput, PipelineStage,
PipelinePatchInput "archived ... only when restoring"), the pipelines guide
(https://developers.hubspot.com/docs/api-reference/latest/crm/pipelines/guide), the 2026-09
changelog on delete validation (https://developers.hubspot.com/changelog/
pipeline-stage-validation-true), fidelity-findings B5, and HubSpot's real INVALID_OPTION
message for a stage ("registered is not a valid pipeline stage ID. Valid options are:
pipelineId=default : [...]", captured in public client tests).
"""

import requests

from .conftest import bearer, install

P = "/crm/pipelines/2026-03/deals"
O = "/crm/objects/2026-03/deals"
STAGES = [
    {"label": "Ny", "displayOrder": 0, "metadata": {"probability": "0.1"}},
    {"label": "Vunnet", "displayOrder": 1, "metadata": {"probability": "1.0", "isClosed": "true"}},
    {"label": "Tapt", "displayOrder": 2, "metadata": {"probability": "0.0", "isClosed": "true"}},
]


def _make(hs, label="Rammeavtaler", stages=STAGES):
    reply = hs.post(P, json={"label": label, "displayOrder": 3, "stages": stages})
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_a_seeded_portal_has_its_pipelines_with_renamed_and_custom_stages(base):
    seed = {
        "id": 4000020,
        "name": "Rørlegger AS",
        "pipelines": [
            {
                "id": "default",
                "label": "Salg",
                "stages": [
                    {"id": "appointmentscheduled", "label": "Møte booket", "probability": 0.2},
                    {"id": "closedwon", "label": "Signert", "probability": 1, "isClosed": True},
                ],
            },
            {
                "id": "33445566",
                "label": "Service",
                "stages": [
                    {"id": "44556677", "label": "Bestilt", "probability": 0.5},
                    {"id": "44556678", "label": "Levert", "probability": 1.0, "isClosed": True},
                ],
            },
        ],
        "objects": {
            "deals": [
                {"properties": {"dealname": "Rør", "pipeline": "33445566", "dealstage": "44556678"}}
            ]
        },
    }
    assert requests.post(f"{base}/_sandbox/portals", json=seed).status_code == 201
    headers = bearer(install(base, 4000020))
    pipelines = requests.get(base + P, headers=headers).json()["results"]
    assert [(p["id"], p["label"]) for p in pipelines] == [
        ("default", "Salg"),
        ("33445566", "Service"),
    ]
    assert [s["label"] for s in pipelines[0]["stages"]] == ["Møte booket", "Signert"]
    assert pipelines[1]["stages"][1]["metadata"] == {"probability": "1.0", "isClosed": "true"}
    deal = requests.get(f"{base}{O}?properties=hs_is_closed_won", headers=headers).json()
    assert deal["results"][0]["properties"]["hs_is_closed_won"] == "true"


def test_created_pipelines_and_stages_get_numeric_ids_and_probability_is_required(hs):
    """PipelineStageInput: probability is required for deals, 0.0 to 1.0 in steps of 0.1."""
    pipeline = _make(hs)
    assert pipeline["id"].isdigit() and all(s["id"].isdigit() for s in pipeline["stages"])
    assert [s["metadata"] for s in pipeline["stages"]] == [
        {"probability": "0.1", "isClosed": "false"},
        {"probability": "1.0", "isClosed": "true"},
        {"probability": "0.0", "isClosed": "true"},
    ]
    for stages in (
        [{"label": "X", "displayOrder": 0, "metadata": {}}],
        [{"label": "X", "displayOrder": 0, "metadata": {"probability": "0.55"}}],
        [{"label": "X", "displayOrder": 0, "metadata": {"probability": "0.1"}}] * 2,
        [],
    ):
        refused = hs.post(P, json={"label": "Feil", "displayOrder": 1, "stages": stages})
        assert refused.status_code == 400, stages
    assert (
        hs.post(P, json={"label": "Rammeavtaler", "displayOrder": 1, "stages": STAGES}).status_code
        == 400
    )
    assert [p["label"] for p in hs.get(P).json()["results"]] == [
        "Sales Pipeline",
        "Prosjektsalg",
        "Rammeavtaler",
    ]


def test_a_deals_stage_must_belong_to_its_pipeline(hs):
    """A stage outside the deal's pipeline is HubSpot's INVALID_OPTION (captured message)."""
    pipeline = _make(hs)
    won = pipeline["stages"][1]["id"]
    wrong = hs.post(O, json={"properties": {"dealname": "D", "dealstage": won}})
    body = wrong.json()
    assert wrong.status_code == 400 and body["errors"][0]["code"] == "INVALID_OPTION"
    assert (
        f"{won} is not a valid pipeline stage ID. Valid options are: pipelineId=default : ["
        in body["message"]
    )
    assert '"error":"INVALID_OPTION","name":"dealstage"' in body["message"]
    made = hs.post(
        O, json={"properties": {"dealname": "D", "pipeline": pipeline["id"], "dealstage": won}}
    )
    assert made.status_code == 201
    deal = made.json()["id"]
    props = hs.get(
        f"{O}/{deal}?properties=hs_is_closed_won,hs_is_closed,hs_deal_stage_probability"
    ).json()
    assert props["properties"] == {
        "hs_is_closed_won": "true",
        "hs_is_closed": "true",
        "hs_deal_stage_probability": "1.0",
        "hs_object_id": deal,
        "createdate": props["properties"]["createdate"],
        "hs_lastmodifieddate": props["properties"]["hs_lastmodifieddate"],
    }
    moved = hs.patch(f"{O}/{deal}", json={"properties": {"pipeline": "default"}})
    assert moved.status_code == 400  # its stage is not one of the default pipeline's
    unknown = hs.patch(f"{O}/{deal}", json={"properties": {"pipeline": "999"}})
    assert (
        unknown.status_code == 400
        and "999 was not one of the allowed options" in unknown.json()["message"]
    )
    assert (
        hs.post(O, json={"properties": {"dealname": "D", "hs_is_closed_won": "true"}}).status_code
        == 400
    )


def test_stages_are_created_replaced_patched_and_archived_and_deals_follow_their_metadata(hs):
    pipeline = _make(hs)
    pid, first = pipeline["id"], pipeline["stages"][0]["id"]
    deal = hs.post(
        O, json={"properties": {"dealname": "D", "pipeline": pid, "dealstage": first}}
    ).json()
    added = hs.post(
        f"{P}/{pid}/stages",
        json={"label": "Forhandling", "displayOrder": 5, "metadata": {"probability": "0.7"}},
    )
    assert added.status_code == 201 and added.json()["id"].isdigit()
    patched = hs.patch(
        f"{P}/{pid}/stages/{first}",
        json={"label": "Avtalt", "metadata": {"probability": "1.0", "isClosed": "true"}},
    )
    assert patched.status_code == 200 and patched.json()["label"] == "Avtalt"
    won = hs.get(f"{O}/{deal['id']}?properties=hs_is_closed_won").json()["properties"]
    assert won["hs_is_closed_won"] == "true"  # recomputed from the stage's new metadata
    replaced = hs.put(
        f"{P}/{pid}/stages/{added.json()['id']}",
        json={"label": "Forhandlet", "displayOrder": 6, "metadata": {"probability": "0.8"}},
    )
    assert replaced.json()["metadata"]["probability"] == "0.8"
    assert hs.get(f"{P}/{pid}/stages/{added.json()['id']}").json()["label"] == "Forhandlet"
    assert hs.delete(f"{P}/{pid}/stages/{added.json()['id']}").status_code == 204
    assert hs.get(f"{P}/{pid}/stages/{added.json()['id']}").status_code == 404
    assert len(hs.get(f"{P}/{pid}/stages").json()["results"]) == 3


def test_deletes_check_for_deals_when_asked_and_by_default_from_2026_09(hs):
    """validate*BeforeDelete default false in 2026-03, true from 2026-09 (changelog)."""
    pipeline = _make(hs)
    pid, stage = pipeline["id"], pipeline["stages"][0]["id"]
    hs.post(O, json={"properties": {"dealname": "D", "pipeline": pid, "dealstage": stage}})
    checked = hs.delete(f"{P}/{pid}/stages/{stage}?validateReferencesBeforeDelete=true")
    assert checked.status_code == 400
    assert hs.delete(f"/crm/pipelines/2026-09/deals/{pid}").status_code == 400
    assert hs.delete(f"{P}/{pid}?validateDealStageUsagesBeforeDelete=true").status_code == 400
    assert hs.delete(f"{P}/{pid}").status_code == 204  # 2026-03 does not check by default
    assert hs.get(f"{P}/{pid}").status_code == 404
    assert pid not in {p["id"] for p in hs.get(P).json()["results"]}
    wrong = hs.patch(f"{P}/default", json={"archived": False})
    assert wrong.status_code == 400  # archived is only for restoring
    restored = hs.patch(f"{P}/{pid}", json={"archived": False})
    assert restored.status_code == 200 and restored.json()["archived"] is False
    renamed = hs.put(
        f"{P}/{pid}", json={"label": "Nytt navn", "displayOrder": 9, "stages": STAGES[:1]}
    )
    assert renamed.status_code == 200 and [s["label"] for s in renamed.json()["stages"]] == ["Ny"]


def test_an_account_keeps_one_pipeline_and_a_pipeline_one_stage(hs):
    for pipeline in hs.get(P).json()["results"][1:]:
        assert hs.delete(f"{P}/{pipeline['id']}").status_code == 204
    assert hs.delete(f"{P}/default").status_code == 400
    lonely = _make(hs, "Ensom", STAGES[:1])
    assert hs.delete(f"{P}/{lonely['id']}/stages/{lonely['stages'][0]['id']}").status_code == 400


def test_writing_pipelines_needs_the_deals_schema_scope(base):
    token = install(base, scopes=["oauth", "crm.objects.companies.read", "crm.objects.deals.read"])
    reply = requests.post(
        base + P, json={"label": "X", "displayOrder": 0, "stages": STAGES}, headers=bearer(token)
    )
    assert reply.status_code == 403 and reply.json()["category"] == "MISSING_SCOPES"
    assert requests.get(base + P, headers=bearer(token)).status_code == 200


def test_a_person_closing_a_deal_sets_its_close_date_and_an_api_write_does_not(hs, base):
    """ "A deal's close date is automatically set or updated by HubSpot when ... a user moves a
    deal into a closed-won or a closed-lost deal stage", also won to lost and back, but "not
    ... from a closed-won stage to another closed-won stage" (knowledge.hubspot.com/crm-deals/
    hubspots-default-deal-properties). The page speaks of users; an API write keeps its own."""
    pipeline = _make(hs, "Lukking")
    new, won, lost = (s["id"] for s in sorted(pipeline["stages"], key=lambda s: s["displayOrder"]))
    later = "2027-06-30T00:00:00Z"
    made = hs.post(
        O,
        json={
            "properties": {
                "dealname": "L",
                "pipeline": pipeline["id"],
                "dealstage": new,
                "closedate": later,
            }
        },
    ).json()["id"]
    ui = f"{base}/_sandbox/portals/4000001/objects/deals/{made}"

    def close_date() -> str:
        return hs.get(f"{O}/{made}?properties=closedate").json()["properties"]["closedate"]

    hs.patch(f"{O}/{made}", json={"properties": {"dealstage": won}})  # the API: kept
    assert close_date().startswith("2027-06-30")
    hs.patch(f"{O}/{made}", json={"properties": {"dealstage": new}})
    assert requests.patch(ui, json={"properties": {"dealstage": won}}).ok  # a person: now
    first = close_date()
    assert not first.startswith("2027")
    assert requests.patch(ui, json={"properties": {"dealstage": lost}}).ok  # won to lost: now
    assert close_date() >= first
    assert requests.patch(
        ui, json={"properties": {"dealstage": won, "closedate": later}}
    ).ok  # the person's own date in the same edit wins
    assert close_date().startswith("2027-06-30")
