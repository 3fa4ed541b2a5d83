"""hubspot.fetch emulation, the control API's portals and the demo data."""
import requests

from webapp.sandbox.hubspot.signing import decode_uri, signature_v3

from .conftest import CLIENT_SECRET, DEMO, EMPTY


def test_fetch_sends_a_v3_signed_request_with_context_in_the_query(base, receiver):
    reply = requests.post(f"{base}/_sandbox/fetch", json={
        "portalId": DEMO, "userId": 7000001, "userEmail": "kari.admin@nordisk-demo.no",
        "method": "POST", "url": f"{receiver.url}/card?objectId=42", "body": {"a": 1}})
    assert reply.status_code == 200
    result = reply.json()
    seen = result["body"]
    assert result["status"] == 200
    assert seen["args"] == {"objectId": "42", "userId": "7000001", "portalId": str(DEMO),
                            "userEmail": "kari.admin@nordisk-demo.no", "appId": "1000001"}
    headers = seen["headers"]
    expected = signature_v3(CLIENT_SECRET, "POST", decode_uri(result["url"]), seen["body"],
                            headers["X-Hubspot-Request-Timestamp"])
    assert headers["X-Hubspot-Signature-V3"] == expected and seen["body"] == '{"a": 1}'


def test_fetch_reports_an_unreachable_app(base):
    reply = requests.post(f"{base}/_sandbox/fetch", json={
        "portalId": DEMO, "method": "GET", "url": "http://127.0.0.1:9/card"})
    assert reply.status_code == 502 and reply.json()["status"] is None


def test_demo_portal_has_companies_contacts_products_and_deals_and_a_second_empty_portal(base):
    portals = {p["id"]: p for p in requests.get(f"{base}/_sandbox/portals").json()["results"]}
    demo = portals[DEMO]
    assert demo["name"] == "Nordisk Demo AS" and demo["domain"] == "nordisk-demo.no"
    assert demo["users"][0]["superAdmin"] is True
    assert demo["counts"]["companies"] == 25 and demo["counts"]["products"] == 10
    assert demo["counts"]["deals"] > 10 and demo["counts"]["line_items"] > demo["counts"]["deals"]
    assert set(portals[EMPTY]["counts"].values()) == {0}
    companies = requests.get(f"{base}/_sandbox/portals/{DEMO}/objects/companies").json()["results"]
    assert all(c["properties"]["orgnr"] for c in companies)
    deals = requests.get(f"{base}/_sandbox/portals/{DEMO}/objects/deals").json()["results"]
    assert any(d["properties"]["dealstage"] == "closedwon" for d in deals)
    products = requests.get(f"{base}/_sandbox/portals/{DEMO}/objects/products").json()["results"]
    assert {p["properties"]["hs_sku"] for p in products} >= {"CONS-HOUR", "HW-ROUTER"}


def test_portals_created_through_the_control_api_are_isolated(base):
    from .conftest import install
    made = requests.post(f"{base}/_sandbox/portals", json={
        "id": 4000009, "name": "Tredje AS", "domain": "tredje.no",
        "users": [{"email": "sjef@tredje.no", "firstName": "S", "lastName": "J"}]})
    assert made.status_code == 201 and made.json()["users"][0]["superAdmin"] is True
    token = install(base, 4000009)
    listed = requests.get(f"{base}/crm/objects/2026-03/companies",
                          headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert listed["results"] == [] and token["hub_id"] == 4000009


def test_reset_forgets_everything_and_can_reseed(base):
    assert requests.post(f"{base}/_sandbox/reset", json={}).json()["portals"] == []
    assert requests.post(f"{base}/_sandbox/reset", json={"demo": True}).json()["portals"] == [DEMO, EMPTY]


def test_clock_can_be_moved_to_expire_tokens(base, hs):
    before = requests.get(f"{base}/_sandbox/clock").json()["now"]
    after = requests.post(f"{base}/_sandbox/clock", json={"advance": 1800}).json()["now"]
    assert after - before >= 1800
    assert hs.get("/crm/objects/2026-03/companies").status_code == 401
