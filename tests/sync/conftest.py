"""A running stack with the demo portal installed and connected, and ways to look at both sides."""

from __future__ import annotations

import pytest
import requests

from webapp.collaborators import Collaborators
from webapp.db import connect

DEMO_PORTAL = 4000001


class Synced:
    """The stack, seen as its user and the two services see it."""

    def __init__(self, stack, portal_id: int = DEMO_PORTAL):
        self.stack = stack
        self.portal_id = portal_id
        self.runner = stack.app.test_cli_runner()

    def connect(self) -> None:
        result = self.runner.invoke(args=["sandbox", "connect", "--portal", str(self.portal_id)])
        assert result.exit_code == 0 and result.output.strip() == str(self.portal_id), result.output

    def backfill(self, *args: str, ok: bool = True):
        result = self.runner.invoke(args=["sync", "backfill", str(self.portal_id), *args])
        if ok:
            assert result.exit_code == 0, result.output
        return result

    # Tripletex, through its API, as the accountant would list it

    def customers(self) -> list[dict]:
        with Collaborators.opened(self.stack.app.config) as c:
            client = c.tripletex(self.portal_id)
            return [
                customer
                for inactive in ("false", "true")
                for customer in client.list(
                    "/customer",
                    fields="id,version,name,organizationNumber,email,customerNumber,"
                    "isInactive,phoneNumber,website",
                    params={"isInactive": inactive},
                )
            ]

    def tripletex_control(self, method: str, path: str, body: dict | None = None) -> dict:
        answer = requests.request(
            method, f"{self.stack.tripletex_url}/_sandbox/{path}", json=body, timeout=10
        )
        assert answer.ok, answer.text
        return answer.json() if answer.content else {}

    # HubSpot, as a user sees it (the control API reads the portal as an export would)

    def companies(self) -> dict[str, dict]:
        answer = requests.get(
            f"{self.stack.hubspot_url}/_sandbox/portals/{self.portal_id}/objects/companies",
            timeout=10,
        )
        assert answer.ok, answer.text
        return {r["id"]: r["properties"] for r in answer.json()["results"]}

    def hubspot_control(self, method: str, path: str, body: dict | None = None) -> dict:
        answer = requests.request(
            method,
            f"{self.stack.hubspot_url}/_sandbox/portals/{self.portal_id}/{path}",
            json=body,
            timeout=10,
        )
        assert answer.ok, answer.text
        return answer.json() if answer.content else {}

    def create_property(self, object_type: str, name: str, label: str, group: str) -> None:
        """A custom text property, as the portal's admin would make it (through the API)."""
        with Collaborators.opened(self.stack.app.config) as c:
            c.hubspot(self.portal_id).create_property(
                object_type,
                {
                    "name": name,
                    "label": label,
                    "type": "string",
                    "fieldType": "text",
                    "groupName": group,
                },
            )

    # Our own tables

    def rows(self, sql: str, params=()) -> list[dict]:
        db = connect(self.stack.app.config["DATABASE"])
        try:
            return [dict(r) for r in db.query(sql, params)]
        finally:
            db.close()


def tripletex_company(stack, name: str, token: str) -> None:
    """Another company in the Tripletex sandbox, reached with its own employee token."""
    made = requests.post(
        f"{stack.tripletex_url}/_sandbox/companies",
        json={"name": name, "tokens": {"working": token}},
        timeout=10,
    )
    assert made.status_code == 201, made.text


@pytest.fixture
def synced(stack) -> Synced:
    """The demo portal installed in the HubSpot sandbox and connected to the demo company."""
    world = Synced(stack)
    world.connect()
    return world


@pytest.fixture
def live(synced) -> Synced:
    """The demo portal after its first sync: customers, contacts and products are in
    Tripletex, every event so far is acted on, and live sync runs."""
    from tests.sync.test_live import delivered, run

    synced.backfill()
    delivered(synced)
    run(synced)
    return synced
