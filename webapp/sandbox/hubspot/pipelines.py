"""Deal pipelines: the read endpoints the product uses, over the default pipeline."""

from __future__ import annotations

from flask import Blueprint, jsonify

from .errors import invalid, not_found
from .gateway import api
from .pipelines_data import default_pipeline

bp = Blueprint("hubspot_pipelines", __name__)
V = 'any("2026-03", "2026-09"):version'
SCOPES = ["crm.objects.deals.read", "crm.schemas.deals.read"]


def _deals_only(object_type: str) -> None:
    if object_type not in ("deals", "0-3"):
        raise invalid(f"The sandbox keeps pipelines for deals only, not {object_type}")


@bp.get(f"/crm/pipelines/<{V}>/<object_type>")
@api(SCOPES)
def list_pipelines(version: str, object_type: str):
    _deals_only(object_type)
    return jsonify({"results": [default_pipeline()]})


@bp.get(f"/crm/pipelines/<{V}>/<object_type>/<pipeline_id>")
@api(SCOPES)
def read_pipeline(version: str, object_type: str, pipeline_id: str):
    _deals_only(object_type)
    if pipeline_id != "default":
        raise not_found(f"Unable to find pipeline {pipeline_id}")
    return jsonify(default_pipeline())


@bp.get(f"/crm/pipelines/<{V}>/<object_type>/<pipeline_id>/stages")
@api(SCOPES)
def list_stages(version: str, object_type: str, pipeline_id: str):
    _deals_only(object_type)
    if pipeline_id != "default":
        raise not_found(f"Unable to find pipeline {pipeline_id}")
    return jsonify({"results": default_pipeline()["stages"]})
