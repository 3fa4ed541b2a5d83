"""The pre-2026 paths most SDKs and existing code still call, served by the date-versioned views.

HubSpot keeps v3 (objects, properties, pipelines) and v4 (associations) until September 2027
and March 2027 (brief §0); the brief asks the simulator to answer on them too.
"""

from __future__ import annotations

import re

from flask import Flask

V = 'any("2026-03", "2026-09"):version'
# date-versioned rule prefix -> (legacy prefix, version the views see)
TWINS = [
    (
        rf"^/crm/objects/<{re.escape(V)}>/(<object_type>/<object_id>/associations)",
        r"/crm/v4/objects/\1",
        "v4",
    ),
    (rf"^/crm/associations/<{re.escape(V)}>/", "/crm/v4/associations/", "v4"),
    (rf"^/crm/properties/<{re.escape(V)}>/", "/crm/v3/properties/", "v3"),
    (rf"^/crm/pipelines/<{re.escape(V)}>/", "/crm/v3/pipelines/", "v3"),
    (rf"^/files/<{re.escape(V)}>/", "/files/v3/", "v3"),
]


def add_legacy_paths(app: Flask) -> None:
    """Give each associations, properties, pipelines and files rule its v3/v4 twin."""
    for rule in list(app.url_map.iter_rules()):
        for pattern, replacement, version in TWINS:
            legacy, hits = re.subn(pattern, replacement, rule.rule)
            if hits:
                app.add_url_rule(
                    legacy,
                    endpoint=rule.endpoint,
                    methods=sorted(rule.methods - {"HEAD", "OPTIONS"}),
                    defaults={"version": version},
                )
                break
