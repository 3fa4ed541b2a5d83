"""The control API: portals with seed data, request log, limits, clock, reset, customer uninstall."""
import requests

from .conftest import DEMO, EMPTY, bearer, install

C = "/crm/objects/2026-03/companies"
SEED = {
    "id": 4000009, "name": "Tredje AS", "domain": "tredje.no",
    "users": [{"email": "sjef@tredje.no", "firstName": "S", "lastName": "J"},
              {"email": "selger@tredje.no", "firstName": "T", "lastName": "K"}],
    "properties": {"companies": [{"name": "orgnr", "label": "Org.nr", "type": "string",
                                  "fieldType": "text"}]},
    "objects": {
        "companies": [{"ref": "tredje", "properties": {"name": "Tredje AS", "orgnr": "923609016"}}],
        "contacts": [{"properties": {"email": "ola@tredje.no", "firstname": "Ola"},
                      "associations": [{"to": {"ref": "tredje"}, "types": [
                          {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}]}],
        "products": [{"properties": {"name": "Vare", "hs_sku": "V-1", "price": "100"}}]}}


def test_a_portal_created_with_seed_data_serves_it_through_the_api(base):
    made = requests.post(f"{base}/_sandbox/portals", json=SEED)
    body = made.json()
    assert made.status_code == 201 and body["id"] == 4000009
    assert body["users"][0]["superAdmin"] is True and body["users"][1]["superAdmin"] is False
    assert body["counts"]["companies"] == 1 and body["counts"]["contacts"] == 1
    token = install(base, 4000009)
    assert token["hub_id"] == 4000009
    company = requests.get(f"{base}{C}/{body['refs']['tredje']}?properties=orgnr&associations=contacts",
                           headers=bearer(token)).json()
    assert company["properties"]["orgnr"] == "923609016"
    assert len(company["associations"]["contacts"]["results"]) == 2    # primary and unlabelled
    listed = {p["id"] for p in requests.get(f"{base}/_sandbox/portals").json()["results"]}
    assert listed == {DEMO, EMPTY, 4000009}


def test_bad_seed_data_creates_no_portal(base):
    bad = dict(SEED, objects={"contacts": [{"properties": {"email": "x@y.no"}, "associations": [
        {"to": {"ref": "missing"}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                               "associationTypeId": 1}]}]}]})
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
    hs.get(C), hs.get(C), hs.post(f"{C}/search", json={"filterGroups": [], "limit": 1, "after": "0"})
    log = requests.get(f"{base}/_sandbox/requests", params={"portalId": DEMO}).json()
    assert log["counts"] == {
        'GET /crm/objects/<any("2026-03", "2026-09"):version>/<object_type>': 2,
        'POST /crm/objects/<any("2026-03", "2026-09"):version>/<object_type>/search': 1}
    assert [r["status"] for r in log["requests"]] == [200, 200, 200]
    everything = requests.get(f"{base}/_sandbox/requests").json()["counts"]
    assert everything['POST /oauth/<any("v1", "v3", "2026-03", "2026-09"):version>/token'] == 1
    assert requests.delete(f"{base}/_sandbox/requests").status_code == 204
    assert requests.get(f"{base}/_sandbox/requests").json() == {"requests": [], "counts": {}}


def test_limits_can_be_changed_and_the_headers_follow(base, hs):
    assert requests.get(f"{base}/_sandbox/limits").json() == {
        "rateLimitMax": 110, "rateLimitIntervalMs": 10000, "searchPerSecond": 5}
    requests.post(f"{base}/_sandbox/limits", json={"rateLimitMax": 2, "rateLimitIntervalMs": 1000})
    assert requests.post(f"{base}/_sandbox/clock", json={"freeze": True}).ok
    first = hs.get(C)
    assert first.headers["X-HubSpot-RateLimit-Max"] == "2"
    assert first.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "1000"
    assert hs.get(C).status_code == 200 and hs.get(C).status_code == 429
    requests.post(f"{base}/_sandbox/clock", json={"advance": 1})
    assert hs.get(C).status_code == 200               # the one-second window has rolled
    assert requests.post(f"{base}/_sandbox/limits", json={"rateLimitMax": "many"}).status_code == 400


def test_reset_forgets_everything_and_can_reseed(base, token):
    assert requests.post(f"{base}/_sandbox/reset", json={}).json()["portals"] == []
    assert requests.get(base + C, headers=bearer(token)).status_code == 401
    assert requests.post(f"{base}/_sandbox/reset", json={"demo": True}).json()["portals"] == [DEMO, EMPTY]


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
    requests.post(f"{base}/_sandbox/portals/{DEMO}/objects/companies", json={"properties": {"name": "x"}})
    assert sb.webhooks.wait_idle(2) and receiver.calls == []


def test_users_edit_records_through_the_control_api(base, token):
    ui = f"{base}/_sandbox/portals/{DEMO}/objects/companies"
    made = requests.post(ui, json={"properties": {"name": "Endres AS"}})
    assert made.status_code == 201
    changed = requests.patch(f"{ui}/{made.json()['id']}", json={"properties": {"city": "Bodø"}})
    assert changed.json()["properties"]["city"] == "Bodø"
    assert requests.patch(f"{ui}/{made.json()['id']}", json={"properties": {"nope": "1"}}).status_code == 400
    assert requests.delete(f"{ui}/{made.json()['id']}").status_code == 204
    assert requests.get(f"{base}{C}/{made.json()['id']}", headers=bearer(token)).status_code == 404
