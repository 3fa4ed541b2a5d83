"""A portal's link to Tripletex as stored: the employee token, whose it is, the last check.

The token is a credential (encrypted); the facts shown to users are settings. An
accountant's token waits, encrypted, for a company to be chosen, and nothing else is
stored until then, so a half-finished connection leaves no trace.
"""

from __future__ import annotations

from datetime import timedelta

from ..collaborators import Collaborators, StoredSession
from ..storage.credentials import TRIPLETEX_EMPLOYEE, TRIPLETEX_SESSION
from ..storage.sqlite import write_transaction
from ..timeutil import isoformat
from .connection_check import CheckItem, check_company
from .tripletex_connect import Connected, end_session

CONNECTION = "tripletex_connection"  # settings: company, employee, when
CHECK = "connection_check"  # settings: the last check's items
CHOICES = "tripletex_choices"  # settings: companies an accountant's token reaches
PENDING = "tripletex_pending"  # credential: that token, until a company is chosen
CHOICE_LIFETIME = timedelta(minutes=15)


class TripletexLink:
    """Read and change one installation's Tripletex connection."""

    def __init__(self, c: Collaborators):
        self.c = c
        self.db = c.db
        self.credentials = c.credentials
        self.installs = c.installations

    def connection(self, portal_id: int) -> dict | None:
        return self.installs.setting(portal_id, CONNECTION)

    def last_check(self, portal_id: int) -> dict | None:
        return self.installs.setting(portal_id, CHECK)

    def remember_choice(self, portal_id: int, token: str, companies: list[dict]) -> None:
        with write_transaction(self.db):
            self.credentials.put(
                portal_id,
                PENDING,
                token,
                expires_at=isoformat(self.c.clock.now() + CHOICE_LIFETIME),
            )
            self.installs.set_setting(portal_id, CHOICES, [_company(c) for c in companies])

    def pending_choices(self, portal_id: int) -> list[dict] | None:
        """The companies to choose from, while the token waiting for the choice is fresh."""
        return self.installs.setting(portal_id, CHOICES) if self._pending(portal_id) else None

    def pending_token(self, portal_id: int) -> str | None:
        """The accountant's token awaiting a choice, unless it has waited too long."""
        return self.credentials.get(portal_id, PENDING) if self._pending(portal_id) else None

    def _pending(self, portal_id: int) -> bool:
        # Read the expiry alone: every page of the stepper asks, and it needs no decryption.
        expires = self.credentials.expires_at(portal_id, PENDING)
        return expires is not None and expires >= self.c.clock.now()

    def store(self, portal_id: int, token: str, result: Connected) -> None:
        """Keep a token that works; a new token replaces the old one and its session."""
        employee = result.employee
        with write_transaction(self.db):
            self.credentials.put(
                portal_id, TRIPLETEX_EMPLOYEE, token, meta={"company_id": result.company_id}
            )
            self.credentials.delete(portal_id, TRIPLETEX_SESSION)
            self.credentials.delete(portal_id, PENDING)
            self.installs.delete_setting(portal_id, CHOICES)
            if result.check:  # connecting has just run the whole check
                self.installs.set_setting(portal_id, CHECK, self._outcome(result.check))
            else:
                self.installs.delete_setting(portal_id, CHECK)
            self.installs.set_setting(
                portal_id,
                CONNECTION,
                {
                    "company": _company(result.company),
                    "company_id": result.company_id,
                    "employee": {
                        "name": " ".join(
                            filter(None, [employee.get("firstName"), employee.get("lastName")])
                        ),
                        "email": employee.get("email") or "",
                    },
                    "connected_at": isoformat(self.c.clock.now()),
                },
            )
            if result.session is not None:
                StoredSession(self.credentials, portal_id).save(result.session)

    def check(self, portal_id: int) -> dict:
        """Run the connection check and keep its outcome for the check step."""
        items = check_company(self.c.tripletex(portal_id), self.c.clock.today())
        outcome = self._outcome(items)
        self.installs.set_setting(portal_id, CHECK, outcome)
        return outcome

    def disconnect(self, portal_id: int) -> None:
        """End the session at Tripletex if it still answers, then forget the link."""
        end_session(self.c.tripletex(portal_id))
        self.forget(portal_id)

    def _outcome(self, items: list[CheckItem]) -> dict:
        return {
            "ok": all(i.ok for i in items),
            "at": isoformat(self.c.clock.now()),
            "items": [
                {"key": i.key, "ok": i.ok, "problem": i.problem.__dict__ if i.problem else None}
                for i in items
            ],
        }

    def forget(self, portal_id: int) -> None:
        """Erase the token and what described the link (joins the caller's transaction)."""
        with write_transaction(self.db):
            for kind in (TRIPLETEX_EMPLOYEE, TRIPLETEX_SESSION, PENDING):
                self.credentials.delete(portal_id, kind)
            for key in (CONNECTION, CHECK, CHOICES):
                self.installs.delete_setting(portal_id, key)


def _company(company: dict) -> dict:
    return {
        "id": company.get("id"),
        "name": company.get("name") or "",
        "organization_number": company.get("organizationNumber")
        or company.get("organization_number")
        or "",
    }
