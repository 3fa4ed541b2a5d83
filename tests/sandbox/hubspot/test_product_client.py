"""The product's HubSpotClient against the sandbox: every call it makes, faults, token refresh."""

from __future__ import annotations

import re
import threading

import pytest
import requests

from tests.token_store import MemoryTokens
from webapp.clients.errors import (
    Action,
    BatchInterrupted,
    RateLimited,
    ServerError,
    TransportError,
    classify,
)
from webapp.clients.hubspot import HubSpotClient, TokenRefused

from .conftest import CLIENT_ID, CLIENT_SECRET, DEMO
from .test_spec_conformance import validate_all

# Every (method, route) the client can call, with the object type and id abstracted.
CLIENT_ROUTES = {
    ("POST", "/oauth/2026-03/token"),
    ("POST", "/oauth/2026-03/token/introspect"),
    ("DELETE", "/appinstalls/2026-03/external-install"),
    ("GET", "/crm/pipelines/2026-03/{objectType}"),
    ("GET", "/crm/properties/2026-03/{objectType}"),
    ("POST", "/crm/properties/2026-03/{objectType}"),
    ("PATCH", "/crm/properties/2026-03/{objectType}/{propertyName}"),
    ("GET", "/crm/properties/2026-03/{objectType}/groups"),
    ("POST", "/crm/properties/2026-03/{objectType}/groups"),
    ("GET", "/crm/objects/2026-03/{objectType}"),
    ("POST", "/crm/objects/2026-03/{objectType}"),
    ("GET", "/crm/objects/2026-03/{objectType}/{objectId}"),
    ("PATCH", "/crm/objects/2026-03/{objectType}/{objectId}"),
    ("DELETE", "/crm/objects/2026-03/{objectType}/{objectId}"),
    ("POST", "/crm/objects/2026-03/{objectType}/search"),
    ("POST", "/crm/associations/2026-03/{fromObjectType}/{toObjectType}/batch/read"),
} | {
    ("POST", f"/crm/objects/2026-03/{{objectType}}/batch/{verb}")
    for verb in ("read", "create", "update", "upsert")
}


def _route(template: str) -> str:
    """Abstract a spec route's object type and id, e.g. .../companies/{companyId}."""
    template = re.sub(
        r"^(/crm/objects/2026-03)/(companies|contacts|deals|products|line_items|notes)",
        r"\1/{objectType}",
        template,
    )
    return re.sub(r"\{\w+Id\}$", "{objectId}", template)


class SandboxTime:
    """The sandbox's wall clock (token expiry), and waits recorded rather than slept."""

    def __init__(self, clock, sleeper):
        self.clock, self.sleeper = clock, sleeper

    def time(self):
        return self.clock.now()

    def monotonic(self):
        return self.sleeper.monotonic()

    def sleep(self, seconds):
        self.sleeper.sleep(seconds)


@pytest.fixture
def client(base, token, clock, sleeper):
    tokens = MemoryTokens(dict(token, expires_at=clock.now() + token["expires_in"]))
    hs = HubSpotClient(
        base,
        "2026-03",
        CLIENT_ID,
        CLIENT_SECRET,
        tokens,
        clock=SandboxTime(clock, sleeper),
        jitter=lambda: 1.0,
        timeout=2.0,
    )
    hs.seen = []
    hs.oauth.hooks["response"].append(lambda response, *a, **k: hs.seen.append(response))
    return hs


def _spy_on_public_methods(client) -> set:
    called = set()
    for name, member in vars(HubSpotClient).items():
        if callable(member) and not name.startswith("_"):

            def spy(*args, _name=name, _method=getattr(client, name), **kwargs):
                called.add(_name)
                return _method(*args, **kwargs)

            setattr(client, name, spy)
    return called


def test_every_route_the_client_calls_is_exercised_and_matches_the_specs(client, clock, _book):
    called = _spy_on_public_methods(client)
    company = client.create_object("companies", {"name": "Klient AS", "orgnr": "999999999"})
    assert (
        client.get_object("companies", company["id"], properties=["orgnr"])["properties"]["orgnr"]
        == "999999999"
    )
    client.update_object("companies", company["id"], {"city": "Oslo"})
    assert (
        len(list(client.list_objects("contacts", properties=["email"], associations=["companies"])))
        >= 25
    )
    first, after = client.list_page("contacts", properties=["email"], limit=2)
    second, _ = client.list_page("contacts", after=after, limit=2)
    assert len(first) == len(second) == 2 and after and first[-1]["id"] != second[0]["id"]
    linked = client.batch_associations("contacts", "companies", [first[0]["id"], "1"])
    assert list(linked) == [first[0]["id"]]  # a record that does not exist is left out
    assert {t["typeId"] for t in linked[first[0]["id"]][0]["associationTypes"]} == {1, 279}
    made = client.batch_create(
        "products", [{"properties": {"name": f"K{i}"}, "associations": []} for i in range(3)]
    )
    client.batch_update(
        "products", [{"id": r["id"], "properties": {"price": "1"}} for r in made.results]
    )
    read = client.batch_read(
        "products", [r["id"] for r in made.results] + ["1"], properties=["price"]
    )
    assert len(read.results) == 3 and len(read.errors) == 1
    client.batch_upsert(
        "contacts",
        [{"id": "ny@klient.no", "idProperty": "email", "properties": {"firstname": "Ny"}}],
    )
    clock.advance(5)  # search sees writes only once its index has caught up (B3)
    found = list(
        client.search(
            "companies",
            filter_groups=[
                {"filters": [{"propertyName": "city", "operator": "EQ", "value": "Oslo"}]}
            ],
            properties=["name"],
            sorts=[{"propertyName": "name", "direction": "ASCENDING"}],
            query="klient",
        )
    )
    assert [r["properties"]["name"] for r in found] == ["Klient AS"]
    assert client.get_pipelines()[0]["id"] == "default"
    client.create_property_group(
        "companies", {"name": "tripletex", "label": "Tripletex", "displayOrder": -1}
    )
    client.create_property(
        "companies",
        {
            "name": "tripletex_customer_id",
            "label": "Tripletex customer",
            "groupName": "tripletex",
            "type": "string",
            "fieldType": "text",
            "hasUniqueValue": True,
            "formField": False,
        },
    )
    client.update_property("companies", "tripletex_customer_id", {"label": "Tripletex kunde"})
    assert "tripletex" in {g["name"] for g in client.list_property_groups("companies")}
    assert "tripletex_customer_id" in {p["name"] for p in client.list_properties("companies")}
    assert client.introspect(client.oauth.token["access_token"])["hub_id"] == DEMO
    client.archive_object("companies", company["id"])
    clock.advance(31 * 60)  # the next call refreshes the token first
    contact = next(client.list_objects("contacts", limit=1))
    client.get_object("contacts", contact["properties"]["email"], id_property="email")
    account = client.account_details()
    client.uninstall()

    # The beta account API has no spec in ../shared/specs: its answer is the 2026-03 one (checked
    # in test_account_info.py) plus the name, which is all the client reads of it.
    assert account["portalName"] == "Nordisk Demo AS" and account["portalId"] == DEMO
    stable = [r for r in client.seen if "/account-info/2027-03-beta/" not in r.url]
    validate_all(_book, stable)  # requests and answers, strictly
    routes = {(e.method, _route(e.route)) for e in map(_book.check, stable)}
    assert routes == CLIENT_ROUTES
    public = {n for n, m in vars(HubSpotClient).items() if callable(m) and not n.startswith("_")}
    assert called == public, f"not exercised here: {public - called}"


def test_client_rides_out_injected_429_423_and_5xx(client, base, sleeper):
    requests.post(f"{base}/_sandbox/faults", json={"status": 429, "count": 2, "method": "GET"})
    requests.post(f"{base}/_sandbox/faults", json={"status": 423, "count": 1, "method": "GET"})
    requests.post(f"{base}/_sandbox/faults", json={"status": 503, "count": 1, "method": "GET"})
    assert client.get_pipelines()[0]["id"] == "default"
    statuses = [r.status_code for r in client.seen]
    assert statuses == [429, 429, 423, 503, 200]
    assert len(sleeper.waits) == 4 and sleeper.waits[2] >= 2.0  # 423 asks for two seconds


def test_client_gives_up_after_its_attempts_on_a_429_burst(client, base):
    requests.post(f"{base}/_sandbox/faults", json={"status": 429, "count": 50})
    with pytest.raises(RateLimited):
        client.get_pipelines()
    assert len(client.seen) == 5 and {r.status_code for r in client.seen} == {429}


def test_client_never_replays_a_create_after_a_5xx(client, base):
    requests.post(f"{base}/_sandbox/faults", json={"status": 502, "count": 1, "method": "POST"})
    with pytest.raises(ServerError):
        client.create_object("companies", {"name": "Kanskje AS"})
    log = requests.get(f"{base}/_sandbox/requests", params={"portalId": DEMO}).json()["requests"]
    assert [r["status"] for r in log if r["method"] == "POST"] == [502]


def test_a_batch_cut_short_by_a_5xx_keeps_what_its_first_call_created(client, base):
    def break_after_the_first_batch(response, *args, **kwargs):
        if response.request.path_url.endswith("/batch/create") and not armed:
            armed.append(
                requests.post(
                    f"{base}/_sandbox/faults",
                    json={"status": 502, "count": 1, "method": "POST", "path": "batch/create"},
                )
            )

    armed = []
    client.oauth.hooks["response"].append(break_after_the_first_batch)
    inputs = [{"properties": {"name": f"Del {i}"}, "associations": []} for i in range(150)]

    with pytest.raises(BatchInterrupted) as raised:
        client.batch_create("products", inputs)

    stopped = raised.value
    assert [r["properties"]["name"] for r in stopped.written.results] == [
        f"Del {i}" for i in range(100)
    ]
    assert isinstance(stopped.error, ServerError) and stopped.failed == inputs[100:]
    assert classify(stopped, idempotent=False).action is Action.REREAD
    log = requests.get(f"{base}/_sandbox/requests", params={"portalId": DEMO}).json()["requests"]
    assert [r["status"] for r in log if r["path"].endswith("/batch/create")] == [201, 502]
    stored = requests.get(f"{base}/_sandbox/portals/{DEMO}/objects/products").json()
    names = [p["properties"]["name"] for p in stored["results"]]
    assert sorted(n for n in names if n.startswith("Del ")) == sorted(
        f"Del {i}" for i in range(100)
    )


def _hold_timeouts(sb):
    """Make a timeout fault hold the connection until released, instead of for 20 s."""
    released = threading.Event()
    sb.faults.sleep = lambda seconds: released.wait(5)
    return released


def test_a_timed_out_read_is_retried_and_a_timed_out_create_is_not(client, base, sb):
    released = _hold_timeouts(sb)
    client.transport.timeout = 0.5
    try:
        requests.post(
            f"{base}/_sandbox/faults", json={"timeout": True, "count": 1, "method": "GET"}
        )
        assert client.get_pipelines()[0]["id"] == "default"  # the second try answers
        requests.post(
            f"{base}/_sandbox/faults", json={"timeout": True, "count": 1, "method": "POST"}
        )
        with pytest.raises(TransportError) as raised:
            client.create_object("companies", {"name": "Uviss AS"})
        assert raised.value.ambiguous  # it may have happened: the caller must look
    finally:
        released.set()
    # The held create answers (504) only now, after the client gave up on it.
    assert sb.wait_for_request(lambda r: r["method"] == "POST" and "/companies" in r["path"])
    log = requests.get(f"{base}/_sandbox/requests", params={"portalId": DEMO}).json()["requests"]
    assert [r["status"] for r in log if r["method"] == "POST"] == [504]  # sent once only


def test_a_backfill_completes_through_a_5xx_rate_429_bursts_and_latency(client, base, sb, sleeper):
    slept = []
    sb.faults.sleep = slept.append
    for rule in (
        {"status": 503, "rate": 0.2, "method": "GET"},
        {"status": 429, "count": 2},
        {"latency": 0.5, "count": 4},
    ):
        requests.post(f"{base}/_sandbox/faults", json=rule)
    ids = [r["id"] for r in client.list_objects("companies", limit=4)]
    assert len(ids) == len(set(ids)) == 25
    statuses = [r.status_code for r in client.seen]
    assert {429, 503} <= set(statuses) and statuses[-1] == 200
    assert slept == [0.5] * 4 and len(sleeper.waits) == statuses.count(429) + statuses.count(503)


def test_token_refresh_in_the_middle_of_a_backfill_has_no_gaps_or_duplicates(client, base, clock):
    first_token = client.oauth.token["access_token"]
    ids = []
    for record in client.list_objects("companies", limit=5):
        ids.append(record["id"])
        if len(ids) == 7:
            clock.advance(31 * 60)  # the access token is now dead at the sandbox
    assert len(ids) == len(set(ids)) == 25
    paths = [r.request.path_url.split("?")[0] for r in client.seen]
    assert paths.count("/oauth/2026-03/token") == 1 and paths.index("/oauth/2026-03/token") == 2
    assert all(r.status_code == 200 for r in client.seen)
    saved = client.tokens.saved[-1]
    assert saved["access_token"] != first_token
    assert saved["expires_at"] == pytest.approx(clock.now() + 1800, abs=5)
    stale = requests.get(
        f"{base}/crm/objects/2026-03/companies", headers={"Authorization": f"Bearer {first_token}"}
    )
    assert stale.json()["category"] == "EXPIRED_AUTHENTICATION"


def test_a_backfill_survives_two_refreshes_when_refresh_tokens_rotate(client, sb, clock):
    sb.settings["rotate_refresh_tokens"] = True  # UNCONFIRMED HubSpot behaviour, brief §1.2
    ids = []
    for record in client.list_objects("companies", limit=5):
        ids.append(record["id"])
        if len(ids) in (6, 16):
            clock.advance(31 * 60)
    assert len(ids) == len(set(ids)) == 25
    refreshes = [t["refresh_token"] for t in client.tokens.saved]
    assert len(refreshes) == 2 and len(set(refreshes)) == 2  # each new one was kept and used


def test_refresh_after_uninstall_raises_token_refused(client, clock):
    client.uninstall()
    clock.advance(31 * 60)
    with pytest.raises(TokenRefused):
        client.get_pipelines()
