"""Deal pipelines as data: the default one every portal starts with, and building and reading
pipelines and their stages (pipelines.py serves them; seeding.py seeds them).

The default pipeline's stage ids are as observed (brief §4.5). Other pipelines and stages get
numeric ids unless their creator names one, as HubSpot's do [fidelity-findings B5].
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .errors import invalid

# (id, label, probability); closedwon and closedlost are the closed ones.
DEFAULT_STAGES = [
    ("appointmentscheduled", "Appointment Scheduled", "0.2"),
    ("qualifiedtobuy", "Qualified To Buy", "0.4"),
    ("presentationscheduled", "Presentation Scheduled", "0.6"),
    ("decisionmakerboughtin", "Decision Maker Bought-In", "0.8"),
    ("contractsent", "Contract Sent", "0.9"),
    ("closedwon", "Closed Won", "1.0"),
    ("closedlost", "Closed Lost", "0.0"),
]
EPOCH = "1970-01-01T00:00:00.000Z"  # default pipelines have createdAt = 0 [SPEC-PIPELINES]
MAX_STAGES = 100  # "Pipelines may have up to 100 stages" (pipelines v1 reference)


def stage(stage_id: str, label: str, order: int, probability: str, closed: bool, at: str) -> dict:
    """Return a stage as the Pipelines API shows it."""
    return {
        "id": stage_id,
        "label": label,
        "displayOrder": order,
        "archived": False,
        "createdAt": at,
        "updatedAt": at,
        "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
        "metadata": {"probability": probability, "isClosed": "true" if closed else "false"},
    }


def default_pipeline() -> dict:
    """Return the `default` sales pipeline as a new portal has it."""
    stages = [
        stage(stage_id, label, order, probability, stage_id.startswith("closed"), EPOCH)
        for order, (stage_id, label, probability) in enumerate(DEFAULT_STAGES)
    ]
    return {
        "id": "default",
        "label": "Sales Pipeline",
        "displayOrder": 0,
        "archived": False,
        "createdAt": EPOCH,
        "updatedAt": EPOCH,
        "stages": stages,
    }


def live(portal) -> list[dict]:
    """Return the portal's pipelines that are not archived, in display order."""
    pipelines = [p for p in portal.pipelines.values() if not p["archived"]]
    return sorted(pipelines, key=lambda p: (p["displayOrder"], p["label"]))


def live_stages(pipeline: dict) -> list[dict]:
    stages = [s for s in pipeline["stages"] if not s["archived"]]
    return sorted(stages, key=lambda s: (s["displayOrder"], s["label"]))


def find_stage(portal, pipeline_id: str, stage_id: str) -> dict | None:
    """Return a live stage of a live pipeline, or None."""
    pipeline = portal.pipelines.get(pipeline_id)
    if pipeline is None or pipeline["archived"]:
        return None
    return next((s for s in live_stages(pipeline) if s["id"] == stage_id), None)


def all_stage_ids(portal) -> set[str]:
    """Every stage id in the portal, archived or not: a stage id is unique in its account."""
    return {s["id"] for p in portal.pipelines.values() for s in p["stages"]}


def probability(raw) -> str:
    """Read a deal stage's probability: 0.0 to 1.0 in steps of 0.1 [SPEC-PIPELINES]."""
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        value = Decimal(-1)
    if not (0 <= value <= 1) or (value * 10) % 1 != 0:
        raise invalid(
            f"metadata.probability must be between 0.0 and 1.0 in steps of 0.1, not {raw!r}"
        )
    return f"{value:.1f}"


def closed_flag(raw) -> bool:
    if raw in (None, "", False, "false", "False"):
        return False
    if raw in (True, "true", "True"):
        return True
    raise invalid(f'metadata.isClosed must be "true" or "false", not {raw!r}')


def stage_from_input(item, stage_id: str, at: str) -> dict:
    """Build a deal stage from a PipelineStageInput; probability is required for deals."""
    if not isinstance(item, dict):
        raise invalid("Each stage must be an object with label, displayOrder and metadata")
    label, order, metadata = item.get("label"), item.get("displayOrder"), item.get("metadata")
    if not isinstance(label, str) or not label.strip():
        raise invalid("Each stage needs a label")
    if isinstance(order, bool) or not isinstance(order, int):
        raise invalid(f"Stage {label!r} needs a whole-number displayOrder")
    if not isinstance(metadata, dict) or "probability" not in metadata:
        raise invalid(
            f"Stage {label!r} needs metadata.probability: deal stages require it (0.0 to 1.0)"
        )
    return stage(
        stage_id,
        label,
        order,
        probability(metadata["probability"]),
        closed_flag(metadata.get("isClosed")),
        at,
    )


def check_labels(stages: list[dict]) -> None:
    """Refuse a pipeline without stages, with too many, or with two stages of one label."""
    if not stages:
        raise invalid("A pipeline needs at least one stage")
    if len(stages) > MAX_STAGES:
        raise invalid(f"A pipeline has at most {MAX_STAGES} stages")
    labels = [s["label"].strip().lower() for s in stages if not s["archived"]]
    if len(labels) != len(set(labels)):
        raise invalid("Each pipeline stage's label must be unique within that pipeline")
