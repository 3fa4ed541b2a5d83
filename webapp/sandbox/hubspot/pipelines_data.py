"""The default deal pipeline every portal starts with (stage ids as observed, brief §4.5)."""

from __future__ import annotations

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
STAGE_IDS = {stage_id for stage_id, _, _ in DEFAULT_STAGES}
EPOCH = "1970-01-01T00:00:00.000Z"  # default pipelines have createdAt = 0 [SPEC-PIPELINES]


def default_pipeline() -> dict:
    """Return the `default` sales pipeline as the Pipelines API shows it."""
    stages = [
        {
            "id": stage_id,
            "label": label,
            "displayOrder": order,
            "archived": False,
            "createdAt": EPOCH,
            "updatedAt": EPOCH,
            "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
            "metadata": {
                "probability": probability,
                "isClosed": "true" if stage_id.startswith("closed") else "false",
            },
        }
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
