"""The product's HubSpotClient against the sandbox: every call it makes, faults, token refresh."""
from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
import requests

from webapp.clients.errors import RateLimited
from webapp.clients.hubspot import HubSpotClient, TokenRefused

from .conftest import CLIENT_ID, CLIENT_SECRET, DEMO
from .specbook import SpecBook
from .test_spec_conformance import validate_all


class MemoryTokens:
    """The TokenStore protocol, in memory."""

    def __init__(self, token):
        self.token, self.saved, self.lock = token, [], threading.Lock()

    def load(self):
        return self.token

    def save(self, token):
        self.token = token
        self.saved.append(token)

    @contextmanager
    def refresh_lock(self):
        with self.lock:
            yield


@pytest.fixture
def client(base, token, clock, sleeper):
    tokens = MemoryTokens(dict(token, expires_at=clock.now() + token["expires_in"]))
    hs = HubSpotClient(base, "2026-03", CLIENT_ID, CLIENT_SECRET, tokens, clock=clock.now,
                       sleep=sleeper.sleep, monotonic=sleeper.monotonic, jitter=lambda: 1.0)
    hs.seen = []
    hs.oauth.hooks["response"].append(lambda response, *a, **k: hs.seen.append(response))
    return hs


def test_every_request_the_client_sends_and_every_answer_match_the_specs(client, base, clock):
    company = client.create_object("companies", {"name": "Klient AS", "orgnr": "999999999"})
    assert client.get_object("companies", company["id"], properties=["orgnr"])["properties"]["orgnr"] == "999999999"
    client.update_object("companies", company["id"], {"city": "Oslo"})
    assert len(list(client.list_objects("contacts", properties=["email"],
                                        associations=["companies"]))) >= 25
    made = client.batch_create("products", [{"properties": {"name": f"K{i}"}, "associations": []}
                                            for i in range(3)])
    client.batch_update("products", [{"id": r["id"], "properties": {"price": "1"}} for r in made.results])
    read = client.batch_read("products", [r["id"] for r in made.results] + ["1"], properties=["price"])
    assert len(read.results) == 3 and len(read.errors) == 1
    client.batch_upsert("contacts", [{"id": "ny@klient.no", "idProperty": "email",
                                      "properties": {"firstname": "Ny"}}])
    found = list(client.search("companies", filter_groups=[{"filters": [
        {"propertyName": "city", "operator": "EQ", "value": "Oslo"}]}], properties=["name"],
        sorts=[{"propertyName": "name", "direction": "ASCENDING"}]))
    assert "Klient AS" in {r["properties"]["name"] for r in found}
    assert client.get_pipelines()[0]["id"] == "default"
    assert client.introspect(client.oauth.token["access_token"])["hub_id"] == DEMO
    client.archive_object("companies", company["id"])
    clock.advance(31 * 60)
    client.get_object("companies", found[0]["id"])        # refreshes first
    client.uninstall()
    used = {(r.request.method, r.request.path_url.split("?")[0].rsplit("/", 1)[0]) for r in client.seen}
    assert len(client.seen) >= 15 and ("POST", "/oauth/2026-03") in used
    validate_all(SpecBook(base), client.seen)


def test_client_rides_out_injected_429_423_and_5xx(client, base, sleeper):
    requests.post(f"{base}/_sandbox/faults", json={"status": 429, "count": 2, "method": "GET"})
    requests.post(f"{base}/_sandbox/faults", json={"status": 423, "count": 1, "method": "GET"})
    requests.post(f"{base}/_sandbox/faults", json={"status": 503, "count": 1, "method": "GET"})
    assert client.get_pipelines()[0]["id"] == "default"
    statuses = [r.status_code for r in client.seen]
    assert statuses == [429, 429, 423, 503, 200]
    assert len(sleeper.waits) == 4 and sleeper.waits[2] >= 2.0     # 423 asks for two seconds


def test_client_gives_up_after_its_attempts_on_a_429_burst(client, base):
    requests.post(f"{base}/_sandbox/faults", json={"status": 429, "count": 50})
    with pytest.raises(RateLimited):
        client.get_pipelines()


def test_token_refresh_in_the_middle_of_a_backfill_has_no_gaps_or_duplicates(client, base, clock):
    ids, moved = [], False
    for record in client.list_objects("companies", limit=5):
        ids.append(record["id"])
        if len(ids) == 7 and not moved:
            clock.advance(31 * 60)      # the access token is now dead at the sandbox
            moved = True
    assert len(ids) == len(set(ids)) == 25
    refreshes = [r for r in client.seen if r.request.path_url == "/oauth/2026-03/token"]
    assert refreshes and all(r.status_code == 200 for r in refreshes)
    assert client.tokens.saved and all(r.status_code == 200 for r in client.seen)


def test_refresh_after_uninstall_raises_token_refused(client, base, clock):
    client.uninstall()
    clock.advance(31 * 60)
    with pytest.raises(TokenRefused):
        client.get_pipelines()
