"""Deal pipelines and their stages: read, create, replace, update, archive and restore.

As the 2026-03 pipelines spec has them (crm-pipelines__2026-03): POST answers 201, DELETE
archives (204) and PATCH {archived: false} restores; deal stages require
metadata.probability (0.0 to 1.0 in steps of 0.1). Deletes check whether deals use the
pipeline or stage only when asked (validateDealStageUsagesBeforeDelete or
validateReferencesBeforeDelete); from 2026-09 they check by default (changelog "Pipeline and
pipeline stage delete endpoints will validate references by default"). A portal keeps at
least one pipeline, and a pipeline at least one stage (pipelines v1 overview).
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from . import computed, pipelines_data, records
from .errors import invalid, not_found
from .gateway import api, json_body, sandbox
from .state import iso

bp = Blueprint("hubspot_pipelines", __name__)
V = 'any("2026-03", "2026-09"):version'
BASE = f"/crm/pipelines/<{V}>/<object_type>"
READ = ["crm.objects.deals.read", "crm.schemas.deals.read", "crm.objects.deals.write"]
WRITE = ["crm.schemas.deals.write"]


def _deals_only(object_type: str) -> None:
    if object_type not in ("deals", "0-3"):
        raise invalid(f"The sandbox keeps pipelines for deals only, not {object_type}")


def _pipeline(object_type: str, pipeline_id: str, archived_too: bool = False) -> dict:
    _deals_only(object_type)
    pipeline = g.portal.pipelines.get(pipeline_id)
    if pipeline is None or (pipeline["archived"] and not archived_too):
        raise not_found(f"Unable to find pipeline {pipeline_id}")
    return pipeline


def _stage(pipeline: dict, stage_id: str) -> dict:
    found = next((s for s in pipeline["stages"] if s["id"] == stage_id), None)
    if found is None or found["archived"]:
        raise not_found(f"Unable to find stage {stage_id} in pipeline {pipeline['id']}")
    return found


def _shown(pipeline: dict) -> dict:
    return dict(pipeline, stages=pipelines_data.live_stages(pipeline))


def _now() -> str:
    return iso(sandbox().clock.now())


def _validating(version: str, *names: str) -> bool:
    """Whether a delete checks usage first: the query says, else the version's default."""
    for name in names:
        if name in request.args:
            return request.args[name].lower() == "true"
    return version == "2026-09"


def _deals_in(pipeline_id: str, stage_id: str | None = None) -> list:
    return [
        d
        for d in records.live(g.portal, "deals")
        if (d.properties.get("pipeline") or "default") == pipeline_id
        and (stage_id is None or d.properties.get("dealstage") == stage_id)
    ]


def _new_stages(items, taken: set, keep: dict | None = None) -> list[dict]:
    """Build stages from inputs; a stageId names an existing stage (kept) or a new id."""
    if not isinstance(items, list):
        raise invalid("stages must be a list of stage inputs")
    stages, at = [], _now()
    for item in items:
        wanted = str(item.get("stageId") or "") if isinstance(item, dict) else ""
        if keep and wanted in keep:
            old = keep[wanted]
            built = pipelines_data.stage_from_input(item, wanted, old["createdAt"])
            built["updatedAt"] = at
        else:
            if wanted and wanted in taken:
                raise invalid(f"A stage with id {wanted} already exists in this account")
            stage_id = wanted or sandbox().state.next_schema_id()
            taken.add(stage_id)
            built = pipelines_data.stage_from_input(item, stage_id, at)
        stages.append(built)
    return stages


def _check_label(label, own_id: str | None = None) -> str:
    if not isinstance(label, str) or not label.strip():
        raise invalid("A pipeline needs a label")
    for other in pipelines_data.live(g.portal):
        if other["id"] != own_id and other["label"].strip().lower() == label.strip().lower():
            raise invalid(f"A pipeline labelled {label!r} already exists")
    return label


def _order(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid("displayOrder must be a whole number")
    return value


def refresh_deals(pipeline_id: str) -> None:
    """Recompute the stage-derived values of the pipeline's deals after its stages changed."""
    for deal in _deals_in(pipeline_id):
        derived = computed.deal(g.portal, deal.properties)
        records.apply(sandbox(), g.portal, "deals", deal, derived, g.source)


@bp.get(BASE)
@api(READ)
def list_pipelines(version: str, object_type: str):
    _deals_only(object_type)
    return jsonify({"results": [_shown(p) for p in pipelines_data.live(g.portal)]})


@bp.post(BASE)
@api(WRITE)
def create_pipeline(version: str, object_type: str):
    """Create a pipeline with its stages; ids are numeric unless the input names them."""
    _deals_only(object_type)
    body = json_body()
    if not isinstance(body, dict):
        raise invalid("Expected a PipelineInput object")
    label = _check_label(body.get("label"))
    order = _order(body.get("displayOrder"))
    wanted = str(body.get("pipelineId") or "")
    if wanted and wanted in g.portal.pipelines:
        raise invalid(f"A pipeline with id {wanted} already exists")
    stages = _new_stages(body.get("stages"), pipelines_data.all_stage_ids(g.portal))
    pipelines_data.check_labels(stages)
    at = _now()
    pipeline = {
        "id": wanted or sandbox().state.next_schema_id(),
        "label": label,
        "displayOrder": order,
        "archived": False,
        "createdAt": at,
        "updatedAt": at,
        "stages": stages,
    }
    g.portal.pipelines[pipeline["id"]] = pipeline
    return jsonify(_shown(pipeline)), 201


@bp.get(f"{BASE}/<pipeline_id>")
@api(READ)
def read_pipeline(version: str, object_type: str, pipeline_id: str):
    return jsonify(_shown(_pipeline(object_type, pipeline_id)))


@bp.put(f"{BASE}/<pipeline_id>")
@api(WRITE)
def replace_pipeline(version: str, object_type: str, pipeline_id: str):
    """Replace label, order and stages; stages left out are archived."""
    pipeline = _pipeline(object_type, pipeline_id)
    body = json_body()
    if not isinstance(body, dict):
        raise invalid("Expected a PipelineReplaceInput object")
    label = _check_label(body.get("label"), pipeline_id)
    order = _order(body.get("displayOrder"))
    keep = {s["id"]: s for s in pipeline["stages"] if not s["archived"]}
    taken = pipelines_data.all_stage_ids(g.portal)
    stages = _new_stages(body.get("stages"), taken, keep)
    pipelines_data.check_labels(stages)
    kept = {s["id"] for s in stages}
    dropped = [s for s in keep.values() if s["id"] not in kept]
    if _validating(
        version, "validateDealStageUsagesBeforeDelete", "validateReferencesBeforeDelete"
    ):
        for old in dropped:
            if _deals_in(pipeline_id, old["id"]):
                raise invalid(f"Stage {old['id']} has deals: move them before removing it")
    at = _now()
    for old in dropped:
        stages.append(dict(old, archived=True, archivedAt=at, updatedAt=at))
    stages += [s for s in pipeline["stages"] if s["archived"] and s["id"] not in kept]
    pipeline.update(label=label, displayOrder=order, stages=stages, updatedAt=at)
    refresh_deals(pipeline_id)
    return jsonify(_shown(pipeline))


@bp.patch(f"{BASE}/<pipeline_id>")
@api(WRITE)
def update_pipeline(version: str, object_type: str, pipeline_id: str):
    """Change label or order; {archived: false} restores an archived pipeline."""
    pipeline = _pipeline(object_type, pipeline_id, archived_too=True)
    body = json_body()
    if not isinstance(body, dict):
        raise invalid("Expected a PipelinePatchInput object")
    if "archived" in body:
        if body["archived"] is not False or not pipeline["archived"]:
            raise invalid("archived may only be given, as false, to restore an archived pipeline")
        pipeline["archived"] = False
        pipeline.pop("archivedAt", None)
    elif pipeline["archived"]:
        raise not_found(f"Unable to find pipeline {pipeline_id}")
    if "label" in body:
        pipeline["label"] = _check_label(body["label"], pipeline_id)
    if "displayOrder" in body:
        pipeline["displayOrder"] = _order(body["displayOrder"])
    pipeline["updatedAt"] = _now()
    return jsonify(_shown(pipeline))


@bp.delete(f"{BASE}/<pipeline_id>")
@api(WRITE)
def archive_pipeline(version: str, object_type: str, pipeline_id: str):
    pipeline = _pipeline(object_type, pipeline_id)
    if len(pipelines_data.live(g.portal)) == 1:
        raise invalid("An account keeps at least one pipeline")
    if _validating(
        version, "validateDealStageUsagesBeforeDelete", "validateReferencesBeforeDelete"
    ):
        if _deals_in(pipeline_id):
            raise invalid(f"Pipeline {pipeline_id} has deals: move them before deleting it")
    at = _now()
    pipeline.update(archived=True, archivedAt=at, updatedAt=at)
    return "", 204


@bp.get(f"{BASE}/<pipeline_id>/stages")
@api(READ)
def list_stages(version: str, object_type: str, pipeline_id: str):
    pipeline = _pipeline(object_type, pipeline_id)
    return jsonify({"results": pipelines_data.live_stages(pipeline)})


@bp.post(f"{BASE}/<pipeline_id>/stages")
@api(WRITE)
def create_stage(version: str, object_type: str, pipeline_id: str):
    pipeline = _pipeline(object_type, pipeline_id)
    body = json_body()
    if not isinstance(body, dict):
        raise invalid("Expected a PipelineStageInput object")
    [stage] = _new_stages([body], pipelines_data.all_stage_ids(g.portal))
    pipelines_data.check_labels(pipeline["stages"] + [stage])
    pipeline["stages"].append(stage)
    pipeline["updatedAt"] = stage["createdAt"]
    return jsonify(stage), 201


@bp.get(f"{BASE}/<pipeline_id>/stages/<stage_id>")
@api(READ)
def read_stage(version: str, object_type: str, pipeline_id: str, stage_id: str):
    return jsonify(_stage(_pipeline(object_type, pipeline_id), stage_id))


@bp.put(f"{BASE}/<pipeline_id>/stages/<stage_id>")
@api(WRITE)
def replace_stage(version: str, object_type: str, pipeline_id: str, stage_id: str):
    pipeline = _pipeline(object_type, pipeline_id)
    old = _stage(pipeline, stage_id)
    built = pipelines_data.stage_from_input(json_body(), stage_id, old["createdAt"])
    built["updatedAt"] = _now()
    others = [s for s in pipeline["stages"] if s is not old]
    pipelines_data.check_labels(others + [built])
    old.clear()
    old.update(built)
    refresh_deals(pipeline_id)
    return jsonify(old)


@bp.patch(f"{BASE}/<pipeline_id>/stages/<stage_id>")
@api(WRITE)
def update_stage(version: str, object_type: str, pipeline_id: str, stage_id: str):
    """Change a stage's label, order or metadata (metadata is required, as the spec says)."""
    pipeline = _pipeline(object_type, pipeline_id)
    old = _stage(pipeline, stage_id)
    body = json_body()
    if not isinstance(body, dict) or not isinstance(body.get("metadata"), dict):
        raise invalid("Expected a PipelineStagePatchInput object with metadata")
    if body.get("archived"):
        raise invalid("Archive a stage with DELETE")
    metadata = dict(old["metadata"], **body["metadata"])
    merged = {
        "label": body.get("label", old["label"]),
        "displayOrder": body.get("displayOrder", old["displayOrder"]),
        "metadata": metadata,
    }
    built = pipelines_data.stage_from_input(merged, stage_id, old["createdAt"])
    built["updatedAt"] = _now()
    pipelines_data.check_labels([s for s in pipeline["stages"] if s is not old] + [built])
    old.clear()
    old.update(built)
    refresh_deals(pipeline_id)
    return jsonify(old)


@bp.delete(f"{BASE}/<pipeline_id>/stages/<stage_id>")
@api(WRITE)
def archive_stage(version: str, object_type: str, pipeline_id: str, stage_id: str):
    pipeline = _pipeline(object_type, pipeline_id)
    stage = _stage(pipeline, stage_id)
    if len(pipelines_data.live_stages(pipeline)) == 1:
        raise invalid("A pipeline keeps at least one stage")
    if _validating(
        version, "validateReferencesBeforeDelete", "validateDealStageUsagesBeforeDelete"
    ):
        if _deals_in(pipeline_id, stage_id):
            raise invalid(f"Stage {stage_id} has deals: move them before deleting it")
    at = _now()
    stage.update(archived=True, archivedAt=at, updatedAt=at)
    pipeline["updatedAt"] = at
    return "", 204
