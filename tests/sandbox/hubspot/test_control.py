"""The control API: portals with seed data, request log, limits, clock, reset, uninstalls."""

import pytest
import requests

from webapp.sandbox.hubspot import control

from .conftest import DEMO, EMPTY, bearer, install

C = "/crm/objects/2026-03/companies"
SEED = {
    "id": 4000009,
    "name": "Tredje AS",
    "domain": "tredje.no",
    "users": [
        {"email": "sjef@tredje.no", "firstName": "S", "lastName": "J"},
        {"email": "selger@tredje.no", "firstName": "T", "lastName": "K"},
    ],
    "properties": {
        "companies": [{"name": "orgnr", "label": "Org.nr", "type": "string", "fieldType": "text"}]
    },
    "objects": {
        "companies": [{"ref": "tredje", "properties": {"name": "Tredje AS", "orgnr": "923609016"}}],
        "contacts": [
            {
                "properties": {"email": "ola@tredje.no", "firstname": "Ola"},
                "associations": [
                    {
                        "to": {"ref": "tredje"},
                        "types": [
                            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}
                        ],
                    }
                ],
            }
        ],
        "products": [{"properties": {"name": "Vare", "hs_sku": "V-1", "price": "100"}}],
    },
}


def test_a_portal_created_with_seed_data_serves_it_through_the_api(base):
    made = requests.post(f"{base}/_sandbox/portals", json=SEED)
    body = made.json()
    assert made.status_code == 201 and body["id"] == 4000009
    assert body["users"][0]["superAdmin"] is True and body["users"][1]["superAdmin"] is False
    assert body["counts"]["companies"] == 1 and body["counts"]["contacts"] == 1
    token = install(base, 4000009)
    assert token["hub_id"] == 4000009
    company = requests.get(
        f"{base}{C}/{body['refs']['tredje']}?properties=orgnr&associations=contacts",
        headers=bearer(token),
    ).json()
    assert company["properties"]["orgnr"] == "923609016"
    assert len(company["associations"]["contacts"]["results"]) == 2  # primary and unlabelled
    listed = {p["id"] for p in requests.get(f"{base}/_sandbox/portals").json()["results"]}
    assert listed == {DEMO, EMPTY, 4000009}


def test_bad_seed_data_creates_no_portal(base):
    bad = dict(
        SEED,
        objects={
            "contacts": [
                {
                    "properties": {"email": "x@y.no"},
                    "associations": [
                        {
                            "to": {"ref": "missing"},
                            "types": [
                                {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}
                            ],
                        }
                    ],
                }
            ]
        },
    )
    reply = requests.post(f"{base}/_sandbox/portals", json=bad)
    assert reply.status_code == 400 and "missing" in reply.json()["message"]
    assert requests.get(f"{base}/_sandbox/portals/4000009").status_code == 404
    assert requests.post(f"{base}/_sandbox/portals", json={"id": DEMO}).status_code == 400


def test_portals_are_isolated(base, hs):
    requests.post(f"{base}/_sandbox/portals", json={"id": 4000010, "name": "Fjerde AS"})
    other = install(base, 4000010)
    assert requests.get(base + C, headers=bearer(other)).json()["results"] == []
    assert len(hs.get(f"{C}?limit=100").json()["results"]) == 25


def test_request_log_counts_calls_per_endpoint_and_filters_by_portal(hs, base):
    (
        hs.get(C),
        hs.get(C),
        hs.post(f"{C}/search", json={"filterGroups": [], "limit": 1, "after": "0"}),
    )
    log = requests.get(f"{base}/_sandbox/requests", params={"portalId": DEMO}).json()
    assert log["counts"] == {
        'GET /crm/objects/<any("2026-03", "2026-09"):version>/<object_type>': 2,
        'POST /crm/objects/<any("2026-03", "2026-09"):version>/<object_type>/search': 1,
    }
    assert [r["status"] for r in log["requests"]] == [200, 200, 200]
    everything = requests.get(f"{base}/_sandbox/requests").json()["counts"]
    assert everything['POST /oauth/<any("v1", "v3", "2026-03", "2026-09"):version>/token'] == 1
    assert requests.delete(f"{base}/_sandbox/requests").status_code == 204
    assert requests.get(f"{base}/_sandbox/requests").json() == {"requests": [], "counts": {}}


def test_limits_can_be_changed_and_the_headers_follow(base, hs):
    assert requests.get(f"{base}/_sandbox/limits").json() == {
        "rateLimitMax": 110,
        "rateLimitIntervalMs": 10000,
        "searchPerSecond": 5,
    }
    requests.post(f"{base}/_sandbox/limits", json={"rateLimitMax": 2, "rateLimitIntervalMs": 1000})
    assert requests.post(f"{base}/_sandbox/clock", json={"freeze": True}).ok
    first = hs.get(C)
    assert first.headers["X-HubSpot-RateLimit-Max"] == "2"
    assert first.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "1000"
    assert hs.get(C).status_code == 200 and hs.get(C).status_code == 429
    requests.post(f"{base}/_sandbox/clock", json={"advance": 1})
    assert hs.get(C).status_code == 200  # the one-second window has rolled
    assert (
        requests.post(f"{base}/_sandbox/limits", json={"rateLimitMax": "many"}).status_code == 400
    )


def test_reset_forgets_everything_and_can_reseed(base, token):
    assert requests.post(f"{base}/_sandbox/reset", json={}).json()["portals"] == []
    assert requests.get(base + C, headers=bearer(token)).status_code == 401
    assert requests.post(f"{base}/_sandbox/reset", json={"demo": True}).json()["portals"] == [
        DEMO,
        EMPTY,
    ]


def test_clock_can_be_moved_to_expire_tokens(base, hs):
    before = requests.get(f"{base}/_sandbox/clock").json()["now"]
    after = requests.post(f"{base}/_sandbox/clock", json={"advance": 1800}).json()["now"]
    assert after - before >= 1800
    expired = hs.get(C)
    assert expired.status_code == 401 and expired.json()["category"] == "EXPIRED_AUTHENTICATION"


def test_a_customer_uninstall_kills_the_apps_tokens_and_webhooks(base, token, sb, receiver):
    assert requests.post(f"{base}/_sandbox/portals/{DEMO}/uninstall").status_code == 204
    assert requests.get(base + C, headers=bearer(token)).status_code == 401
    assert requests.get(f"{base}/_sandbox/portals/{DEMO}").json()["installed"] is False
    requests.post(
        f"{base}/_sandbox/portals/{DEMO}/objects/companies", json={"properties": {"name": "x"}}
    )
    assert sb.webhooks.wait_idle(2) and receiver.calls == []


def test_users_edit_records_through_the_control_api(base, token):
    ui = f"{base}/_sandbox/portals/{DEMO}/objects/companies"
    made = requests.post(ui, json={"properties": {"name": "Endres AS"}})
    assert made.status_code == 201
    changed = requests.patch(f"{ui}/{made.json()['id']}", json={"properties": {"city": "Bodø"}})
    assert changed.json()["properties"]["city"] == "Bodø"
    assert (
        requests.patch(f"{ui}/{made.json()['id']}", json={"properties": {"nope": "1"}}).status_code
        == 400
    )
    assert requests.delete(f"{ui}/{made.json()['id']}").status_code == 204
    assert requests.get(f"{base}{C}/{made.json()['id']}", headers=bearer(token)).status_code == 404


def _world(base) -> dict:
    """Everything the control API shows, to compare before and after a refused request."""
    paths = [
        "portals",
        f"portals/{DEMO}/objects/companies",
        f"portals/{DEMO}/objects/contacts",
        "faults",
        "limits",
        "settings",
        "clock",
        "webhooks",
        "webhooks/deliveries",
    ]
    return {path: requests.get(f"{base}/_sandbox/{path}").json() for path in paths}


UI = f"portals/{DEMO}/objects"
LINK = f"{UI}/contacts/{{contact}}/associations/companies/{{company}}"
URL = "http://127.0.0.1:9/card"
# (method, path, body, the field the refusal names); {company} and {contact} are filled in.
MALFORMED = [
    ("POST", "portals", {"id": "4000009"}, "id"),
    ("POST", "portals", {"id": 0}, "id"),
    ("POST", "portals", {"name": 5}, "name"),
    ("POST", "portals", {"nmae": "Typo AS"}, "nmae"),
    ("POST", "portals", {"users": "kari@x.no"}, "users"),
    ("POST", "portals", {"users": [{"email": 5}]}, "users[0].email"),
    (
        "POST",
        "portals",
        {"users": [{"email": "a@x.no", "superAdmin": "yes"}]},
        "users[0].superAdmin",
    ),
    ("POST", "portals", {"properties": [{"name": "orgnr"}]}, "properties"),
    (
        "POST",
        "portals",
        {
            "properties": {
                "companies": [
                    {"name": "orgnr", "label": "Org.nr", "type": "text", "fieldType": "text"}
                ]
            }
        },
        "properties.companies[0].type",
    ),
    ("POST", "portals", {"objects": {"companies": {"ref": "x"}}}, "objects.companies"),
    (
        "POST",
        "portals",
        {"objects": {"companies": [{"properties": "Navn AS"}]}},
        "objects.companies[0].properties",
    ),
    ("POST", f"{UI}/companies", {"properties": "Navn AS"}, "properties"),
    ("POST", f"{UI}/companies", {"properties": {"name": "x"}, "userId": "7000002"}, "userId"),
    ("POST", f"{UI}/companies", {"properties": {"name": "x"}, "userId": 99}, "userId"),
    ("POST", f"{UI}/companies", {"associations": {"to": {"id": "1"}}}, "associations"),
    ("PATCH", f"{UI}/companies/{{company}}", {"properties": ["city"]}, "properties"),
    ("PATCH", f"{UI}/companies/{{company}}", {"associations": []}, "associations"),
    ("DELETE", f"{UI}/companies/{{company}}", {"userId": True}, "userId"),
    ("PUT", LINK, {"typeId": "1"}, "typeId"),
    ("PUT", LINK, {"typeId": 0}, "typeId"),
    ("DELETE", LINK, {"userId": [7000002]}, "userId"),
    ("POST", f"portals/{DEMO}/uninstall", {"now": True}, "now"),
    ("POST", "reset", {"demo": "yes"}, "demo"),
    ("POST", "faults", {"status": "503"}, "status"),
    ("POST", "faults", {"status": 200}, "status"),
    ("POST", "faults", {"status": 503, "rate": 2}, "rate"),
    ("POST", "faults", {"status": 503, "path": "(unclosed"}, "path"),
    ("POST", "faults", {"status": 503, "method": "FETCH"}, "method"),
    ("POST", "faults", {"latency": -1}, "latency"),
    ("POST", "faults", {"status": 503, "cuont": 1}, "cuont"),
    ("DELETE", "faults", {"status": 503}, "status"),
    ("POST", "limits", {"rateLimitMax": 2, "searchPerSecond": "x"}, "searchPerSecond"),
    ("POST", "limits", {"rateLimitMax": -2}, "rateLimitMax"),
    ("POST", "limits", {"rateLimitIntervalMs": 1e300}, "rateLimitIntervalMs"),
    ("POST", "clock", {"advance": "x"}, "advance"),
    ("POST", "clock", {"advance": -60}, "advance"),
    ("POST", "clock", {"freeze": "yes", "advance": 60}, "freeze"),
    ("POST", "webhooks", {"duplicate": "yes"}, "duplicate"),
    (
        "PUT",
        "webhooks/config",
        {"config": {"settings": {"targetUrl": 5}}},
        "config.settings.targetUrl",
    ),
    (
        "PUT",
        "webhooks/config",
        {
            "config": {
                "settings": {"targetUrl": "https://x.test"},
                "subscriptions": {"crmObjects": "deal"},
            }
        },
        "config.subscriptions.crmObjects",
    ),
    ("PUT", "webhooks/config", {"settings": {"targetUrl": "https://x.test"}}, "settings"),
    ("POST", "webhooks/flush", {"timeout": "x"}, "timeout"),
    ("DELETE", "requests", {"portalId": DEMO}, "portalId"),
    ("POST", "fetch", {"url": URL}, "portalId"),
    ("POST", "fetch", {"portalId": str(DEMO), "url": URL}, "portalId"),
    ("POST", "fetch", {"portalId": DEMO, "url": "card"}, "url"),
    ("POST", "fetch", {"portalId": DEMO, "url": URL, "timeout": "15s"}, "timeout"),
    ("POST", "fetch", {"portalId": DEMO, "url": URL, "userId": "kari"}, "userId"),
    ("POST", "sign", {"method": "POST"}, "url"),
    ("POST", "sign", {"url": URL, "timestamp": "now"}, "timestamp"),
    ("GET", "requests?portalId=abc", None, "portalId"),
    ("POST", "portals", {"currencies": ["nok"]}, "currencies[0]"),
    ("POST", "portals", {"pipelines": [{"label": "P"}]}, "pipelines[0].stages"),
    (
        "POST",
        "portals",
        {"pipelines": [{"label": "P", "stages": [{"label": "S", "probability": 2}]}]},
        "pipelines[0].stages[0].probability",
    ),
    ("POST", f"{UI}/companies/merge", {"primaryObjectId": "{company}"}, "objectIdToMerge"),
    (
        "POST",
        f"{UI}/companies/merge",
        {"primaryObjectId": 1, "objectIdToMerge": "2"},
        "primaryObjectId",
    ),
    ("POST", f"{UI}/companies/{{company}}/restore", {"userId": "7000001"}, "userId"),
    ("POST", f"{UI}/contacts/{{contact}}/gdpr-delete", {"why": "asked"}, "why"),
    ("POST", f"portals/{EMPTY}/generate", {"companies": -1}, "companies"),
    ("POST", f"portals/{EMPTY}/generate", {"contacts": 200_001}, "contacts"),
    ("POST", f"portals/{EMPTY}/generate", {"companies": 5, "linesPerDeal": 0}, "linesPerDeal"),
    ("POST", f"portals/{EMPTY}/generate", {"seed": "x"}, "seed"),
    ("POST", f"portals/{EMPTY}/generate", {"company": 5}, "company"),
    ("POST", f"portals/{EMPTY}/generate", {"deals": 5}, "deals"),
    ("POST", "settings", {"searchLagSeconds": "5"}, "searchLagSeconds"),
    ("POST", "settings", {"webhookRetryJitter": 2}, "webhookRetryJitter"),
    ("POST", "settings", {"mergeCreatesNewId": 1}, "mergeCreatesNewId"),
    ("POST", "settings", {"searchLag": 5}, "searchLag"),
    (
        "PUT",
        "webhooks/config",
        {"config": {"settings": {"targetUrl": "https://x.test", "maxConcurrentRequests": 5}}},
        "config.settings.maxConcurrentRequests",
    ),
]


def _with_records(base, clock, path: str) -> str:
    """Freeze the clock, make a company and a contact, and fill their ids into `path`."""
    clock.freeze()
    ui = f"{base}/_sandbox/{UI}"
    company = requests.post(f"{ui}/companies", json={"properties": {"name": "Før AS"}}).json()
    contact = requests.post(f"{ui}/contacts", json={"properties": {"email": "for@x.no"}}).json()
    return f"{base}/_sandbox/{path.format(company=company['id'], contact=contact['id'])}"


@pytest.mark.parametrize(
    "method, path, body, field", MALFORMED, ids=[f"{m} {p} {f}" for m, p, _, f in MALFORMED]
)
def test_malformed_control_input_is_refused_naming_the_field_and_changes_nothing(
    base, clock, method, path, body, field
):
    url = _with_records(base, clock, path)
    before = _world(base)
    refused = requests.request(method, url, json=body)
    assert refused.status_code == 400
    reply = refused.json()
    assert (set(reply), reply["status"], reply["category"]) == (
        {"status", "message", "correlationId", "category"},
        "error",
        "VALIDATION_ERROR",
    )
    assert reply["message"].startswith(f"{field}: "), reply
    assert _world(base) == before


BODY_TAKERS = [
    ("POST", "portals"),
    ("POST", f"{UI}/companies"),
    ("PATCH", f"{UI}/companies/{{company}}"),
    ("PUT", LINK),
    ("DELETE", LINK),
    ("POST", "faults"),
    ("POST", "limits"),
    ("POST", "clock"),
    ("POST", "webhooks"),
    ("PUT", "webhooks/config"),
    ("POST", "webhooks/flush"),
    ("POST", "fetch"),
    ("POST", "sign"),
    ("POST", "reset"),
    ("POST", f"{UI}/companies/merge"),
    ("POST", f"{UI}/companies/{{company}}/restore"),
    ("POST", f"{UI}/contacts/{{contact}}/gdpr-delete"),
    ("POST", "settings"),
    ("POST", f"portals/{EMPTY}/generate"),
]


@pytest.mark.parametrize("method, path", BODY_TAKERS, ids=[f"{m} {p}" for m, p in BODY_TAKERS])
@pytest.mark.parametrize(
    "data, content_type",
    [
        ("[]", "application/json"),
        ("5", "application/json"),
        ("{not json", "application/json"),
        ("name=Skjema+AS", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused_and_changes_nothing(
    base, clock, method, path, data, content_type
):
    url = _with_records(base, clock, path)
    before = _world(base)
    refused = requests.request(method, url, data=data, headers={"Content-Type": content_type})
    assert (refused.status_code, refused.json()["message"]) == (
        400,
        "body: must be a JSON object, sent as application/json",
    )
    assert _world(base) == before


def test_every_body_schema_names_a_real_endpoint(app):
    listed = set(control.BODIES) | set(control.REQUIRED) | set(control.QUERIES)
    assert listed <= set(app.view_functions)
    assert set(control.REQUIRED) <= set(control.BODIES)
