"""Properties and property groups: read the schema, add custom groups and (unique) properties.

A new property's name is lowercase letters, digits and underscores, starting with a letter
(names beginning hs_ are HubSpot's); its type and fieldType must be a pair the properties
guide lists ("Property type and fieldType values"); an enumeration's option values are
distinct; and hasUniqueValue is allowed only where HubSpot has custom unique identifiers
(contacts, companies, deals), at most ten per object (fidelity-findings B6).
"""

from __future__ import annotations

import re

from flask import Blueprint, g, jsonify

from . import records, schema, validation
from .errors import ApiFailure, invalid, not_found
from .gateway import api, json_body, sandbox
from .objects import kind
from .state import iso

bp = Blueprint("hubspot_properties", __name__)
V = 'any("2026-03", "2026-09"):version'
TYPES = {"string", "number", "date", "datetime", "enumeration", "bool", "phone_number"}
FIELD_TYPES = {
    "text",
    "textarea",
    "number",
    "date",
    "select",
    "radio",
    "checkbox",
    "booleancheckbox",
    "file",
    "html",
    "phonenumber",
    "calculation_equation",
}
# type -> the fieldTypes it may take (properties guide).
PAIRS = {
    "bool": {"booleancheckbox", "calculation_equation"},
    "enumeration": {"booleancheckbox", "checkbox", "radio", "select", "calculation_equation"},
    "date": {"date"},
    "datetime": {"date"},
    "string": {"file", "text", "textarea", "html", "phonenumber", "calculation_equation"},
    "number": {"number", "calculation_equation"},
    "phone_number": {"phonenumber"},
}
NAME = re.compile(r"^[a-z][a-z0-9_]{0,99}$")


def reading(object_type: str, **_) -> list:
    return schema.schema_read_scopes(kind(object_type))


def writing(object_type: str, **_) -> list:
    return schema.SCHEMA_WRITE_SCOPES[kind(object_type)]


def public(definition: dict, portal=None) -> dict:
    """Return a property definition in the API's Property shape."""
    custom = "createdAt" in definition
    stamp = definition.get("createdAt", "2019-08-06T02:43:01.000Z")
    listed = (
        validation.listed_options(portal, definition)
        if portal is not None
        else definition.get("options", [])
    )
    return {
        "name": definition["name"],
        "label": definition["label"],
        "type": definition["type"],
        "fieldType": definition["fieldType"],
        "groupName": definition["groupName"],
        "description": definition.get("description", ""),
        "options": listed,
        "displayOrder": definition.get("displayOrder", -1),
        "hasUniqueValue": bool(definition.get("hasUniqueValue")),
        "hidden": bool(definition.get("hidden")),
        "formField": bool(definition.get("formField")),
        "calculated": bool(definition.get("calculated")),
        "externalOptions": definition.get("dynamic") in validation.EXTERNAL,
        "modificationMetadata": {
            "archivable": custom,
            "readOnlyDefinition": not custom,
            "readOnlyValue": bool(definition.get("readOnly")),
        },
        "createdAt": stamp,
        "updatedAt": stamp,
        "archived": False,
    }


def _groups(portal, object_type: str) -> dict:
    singular = schema.OBJECT_TYPES[object_type][1]
    builtin = {
        f"{singular}information": {
            "name": f"{singular}information",
            "label": f"{singular.replace('_', ' ').title()} information",
            "displayOrder": -1,
            "archived": False,
        }
    }
    return {**builtin, **portal.groups[object_type]}


@bp.get(f"/crm/properties/<{V}>/<object_type>")
@api(reading)
def list_properties(version: str, object_type: str):
    object_type = kind(object_type)
    defs = records.property_defs(g.portal, object_type)
    return jsonify({"results": [public(d, g.portal) for d in defs.values()]})


@bp.get(f"/crm/properties/<{V}>/<object_type>/<name>")
@api(reading)
def read_property(version: str, object_type: str, name: str):
    definition = records.property_defs(g.portal, kind(object_type)).get(name)
    if definition is None:
        raise not_found(f"Unable to find property {name} on {object_type}")
    return jsonify(public(definition, g.portal))


@bp.post(f"/crm/properties/<{V}>/<object_type>")
@api(writing)
def create_property(version: str, object_type: str):
    """Create a custom property; hasUniqueValue is fixed from here on."""
    object_type = kind(object_type)
    body = json_body()
    missing = [k for k in ("name", "label", "groupName", "type", "fieldType") if not body.get(k)]
    if missing:
        raise invalid(
            "Missing required fields: " + ", ".join(missing),
            errors=[{"message": "is required", "in": k} for k in missing],
        )
    check_definition(object_type, body)
    if body["name"] in records.property_defs(g.portal, object_type):
        raise ApiFailure(
            409, f"A property named '{body['name']}' already exists.", "OBJECT_ALREADY_EXISTS"
        )
    if body["groupName"] not in _groups(g.portal, object_type):
        raise invalid(f"Property group {body['groupName']} does not exist")
    definition = {
        k: body[k]
        for k in (
            "name",
            "label",
            "groupName",
            "type",
            "fieldType",
            "description",
            "options",
            "displayOrder",
            "hidden",
            "formField",
            "hasUniqueValue",
        )
        if k in body
    }
    definition["createdAt"] = iso(sandbox().clock.now())
    g.portal.custom_properties[object_type][body["name"]] = definition
    return jsonify(public(definition, g.portal)), 201


def check_definition(object_type: str, body: dict, portal=None) -> None:
    """Refuse a property definition HubSpot refuses (name, type/fieldType, options, unique)."""
    portal = portal or g.portal
    name = body.get("name")
    if not isinstance(name, str) or not NAME.match(name) or name.startswith("hs_"):
        raise invalid(
            f"Property name {name!r} is invalid: use lowercase letters, numbers and "
            "underscores, starting with a letter (hs_ is reserved for HubSpot)"
        )
    kind, field_type = body.get("type"), body.get("fieldType")
    if kind not in TYPES or field_type not in FIELD_TYPES:
        raise invalid(f"Invalid type/fieldType {kind}/{field_type}")
    if field_type not in PAIRS[kind]:
        raise invalid(
            f"fieldType {field_type} cannot be used with type {kind}: "
            f"it takes {', '.join(sorted(PAIRS[kind]))}"
        )
    check_options(body.get("options"))
    if body.get("hasUniqueValue"):
        if object_type not in schema.UNIQUE_CAPABLE:
            raise invalid(f"Unique value properties cannot be created for {object_type}")
        custom = [
            p for p in portal.custom_properties[object_type].values() if p.get("hasUniqueValue")
        ]
        if len(custom) >= schema.MAX_UNIQUE:
            raise invalid(
                f"{object_type} already have {schema.MAX_UNIQUE} unique value properties, "
                "the most allowed"
            )


def check_options(options) -> None:
    if options is None:
        return
    if not isinstance(options, list) or not all(
        isinstance(o, dict) and isinstance(o.get("value"), str) and "label" in o for o in options
    ):
        raise invalid("options must be a list of {label, value}")
    values = [o["value"] for o in options]
    if len(values) != len(set(values)):
        raise invalid("Each option of a property needs a value of its own")


@bp.patch(f"/crm/properties/<{V}>/<object_type>/<name>")
@api(writing)
def update_property(version: str, object_type: str, name: str):
    object_type = kind(object_type)
    definition = g.portal.custom_properties[object_type].get(name)
    if definition is None:
        raise not_found(f"Unable to find custom property {name} on {object_type}")
    body = json_body()
    if "hasUniqueValue" in body and bool(body["hasUniqueValue"]) != bool(
        definition.get("hasUniqueValue")
    ):
        raise invalid("hasUniqueValue cannot be changed after a property is created")
    check_options(body.get("options"))
    definition.update(
        {
            k: body[k]
            for k in (
                "label",
                "description",
                "options",
                "displayOrder",
                "hidden",
                "formField",
                "groupName",
            )
            if k in body
        }
    )
    return jsonify(public(definition, g.portal))


@bp.get(f"/crm/properties/<{V}>/<object_type>/groups")
@api(reading)
def list_groups(version: str, object_type: str):
    return jsonify({"results": list(_groups(g.portal, kind(object_type)).values())})


@bp.get(f"/crm/properties/<{V}>/<object_type>/groups/<name>")
@api(reading)
def read_group(version: str, object_type: str, name: str):
    group = _groups(g.portal, kind(object_type)).get(name)
    if group is None:
        raise not_found(f"Unable to find property group {name}")
    return jsonify(group)


@bp.post(f"/crm/properties/<{V}>/<object_type>/groups")
@api(writing)
def create_group(version: str, object_type: str):
    object_type = kind(object_type)
    body = json_body()
    if not body.get("name") or not body.get("label"):
        raise invalid("Property groups need a name and a label")
    if body["name"] in _groups(g.portal, object_type):
        raise ApiFailure(
            409, f"A property group named '{body['name']}' already exists.", "OBJECT_ALREADY_EXISTS"
        )
    group = {
        "name": body["name"],
        "label": body["label"],
        "displayOrder": int(body.get("displayOrder", -1)),
        "archived": False,
    }
    g.portal.groups[object_type][body["name"]] = group
    return jsonify(group), 201
