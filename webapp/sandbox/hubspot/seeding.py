"""Create a portal from JSON: its users, custom properties and records, linked by local refs.

    {"id": 4000010, "name": "Acme AS", "domain": "acme.no",
     "users": [{"email": "boss@acme.no", "firstName": "B", "lastName": "S"}],
     "properties": {"companies": [{"name": "orgnr", "label": "Org.nr", "type": "string",
                                   "fieldType": "text", "hasUniqueValue": false}]},
     "objects": {"companies": [{"ref": "acme", "properties": {"name": "Acme AS"}}],
                 "contacts": [{"properties": {"email": "a@acme.no"},
                               "associations": [{"to": {"ref": "acme"}, "types": [
                                   {"associationCategory": "HUBSPOT_DEFINED",
                                    "associationTypeId": 1}]}]}]}}

Records are created in the order of `objects`, so a ref must be defined before it is used.
`currencies` lists the account's currencies, its company currency first (default NOK);
`pipelines` adds deal pipelines (one with id "default" replaces the default one):

     "pipelines": [{"id": "7654321", "label": "Projects", "stages": [
         {"id": "1001", "label": "Won", "probability": 1.0, "isClosed": true}, ...]}]

Seeded data is old news to the search index: it is searchable at once.
"""

from __future__ import annotations

from . import index, pipelines_data, records, schema
from .errors import ApiFailure, invalid
from .state import Portal, State, iso

SOURCE = ("IMPORT", "")  # seeded records look imported, and fire no webhooks (no install yet)


def create_portal(sandbox, body: dict) -> tuple[Portal, dict]:
    """Create and seed a portal; return it with {ref: record id} for the refs given."""
    state: State = sandbox.state
    portal_id = int(body.get("id") or max(state.portals, default=4_000_000) + 1)
    if portal_id in state.portals:
        raise invalid(f"Portal {portal_id} already exists")
    users = body.get("users") or []
    if not isinstance(users, list) or not all(
        isinstance(u, dict) and u.get("email") for u in users
    ):
        raise invalid("users must be a list of {email, firstName?, lastName?, superAdmin?}")
    portal = state.add_portal(
        portal_id,
        body.get("name") or f"Portal {portal_id}",
        body.get("domain") or f"portal-{portal_id}.example",
        [dict(u) for u in users],
    )
    try:
        if body.get("currencies"):
            portal.currencies = list(dict.fromkeys(body["currencies"]))
        for pipeline in body.get("pipelines") or []:
            add_pipeline(sandbox, portal, pipeline)
        _add_properties(sandbox, portal, body.get("properties") or {})
        refs = _add_records(sandbox, portal, body.get("objects") or {})
    except ApiFailure:
        del state.portals[portal_id]  # all or nothing
        raise
    index.settle(portal)
    return portal, refs


def add_pipeline(sandbox, portal: Portal, seed: dict) -> dict:
    """Add (or, for id "default", replace) a deal pipeline from seed data."""
    at = iso(sandbox.clock.now())
    pipeline_id = str(seed.get("id") or sandbox.state.next_schema_id())
    if pipeline_id in portal.pipelines and pipeline_id != "default":
        raise invalid(f"Pipeline {pipeline_id} is seeded twice")
    taken = pipelines_data.all_stage_ids(portal) - {
        s["id"] for s in portal.pipelines.get(pipeline_id, {}).get("stages", [])
    }
    stages = []
    for order, item in enumerate(seed.get("stages") or []):
        stage_id = str(item.get("id") or sandbox.state.next_schema_id())
        if stage_id in taken:
            raise invalid(f"Stage id {stage_id} is used twice in the account")
        taken.add(stage_id)
        stages.append(
            pipelines_data.stage(
                stage_id,
                item["label"],
                item.get("displayOrder", order),
                pipelines_data.probability(item.get("probability", 0)),
                bool(item.get("isClosed")),
                at,
            )
        )
    pipelines_data.check_labels(stages)
    pipeline = {
        "id": pipeline_id,
        "label": seed["label"],
        "displayOrder": seed.get("displayOrder", len(portal.pipelines)),
        "archived": False,
        "createdAt": pipelines_data.EPOCH if pipeline_id == "default" else at,
        "updatedAt": at,
        "stages": stages,
    }
    portal.pipelines[pipeline_id] = pipeline
    return pipeline


def _add_properties(sandbox, portal: Portal, wanted: dict) -> None:
    for object_type, definitions in wanted.items():
        object_type = _kind(object_type)
        for definition in definitions:
            missing = [k for k in ("name", "label", "type", "fieldType") if not definition.get(k)]
            if missing:
                raise invalid(f"Property on {object_type} lacks {', '.join(missing)}")
            check_definition(object_type, definition, portal)
            group = (
                definition.get("groupName") or f"{schema.OBJECT_TYPES[object_type][1]}information"
            )
            portal.custom_properties[object_type][definition["name"]] = dict(
                definition, groupName=group, createdAt=iso(sandbox.clock.now())
            )


def _add_records(sandbox, portal: Portal, wanted: dict) -> dict:
    refs: dict[str, str] = {}
    for object_type, items in wanted.items():
        object_type = _kind(object_type)
        for item in items:
            associations = [_resolve(a, refs) for a in item.get("associations") or []]
            record = records.create(
                sandbox, portal, object_type, item.get("properties") or {}, associations, SOURCE
            )
            if item.get("ref"):
                refs[str(item["ref"])] = record.id
    return refs


def _resolve(association: dict, refs: dict) -> dict:
    target = dict(association.get("to") or {})
    if "ref" in target:
        if target["ref"] not in refs:
            raise invalid(f"Unknown ref {target['ref']!r}: define a record before linking to it")
        target = {"id": refs[target["ref"]]}
    return dict(association, to=target)


def check_definition(object_type: str, definition: dict, portal: Portal) -> None:
    from .properties import check_definition as check

    check(object_type, definition, portal)


def _kind(object_type: str) -> str:
    canonical = schema.canonical_type(object_type)
    if canonical is None:
        raise invalid(f"Unknown object type {object_type!r}")
    return canonical
