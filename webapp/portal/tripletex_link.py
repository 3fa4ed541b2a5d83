"""A portal's link to Tripletex as stored: the employee token, whose it is, the last check.

The token is a credential (encrypted); the facts shown to users are settings. An
accountant's token waits, encrypted, for a company to be chosen, and nothing else is
stored until then, so a half-finished connection leaves no trace.
"""
from __future__ import annotations

from datetime import timedelta

from sqlite_utils import Database

from ..clients.tripletex import TripletexClient
from ..crypto import SecretBox
from ..storage.credentials import TRIPLETEX_EMPLOYEE, TRIPLETEX_SESSION, Credentials
from ..storage.installations import Installations
from ..storage.sqlite import write_transaction
from ..timeutil import isoformat, oslo_today, parse, utcnow
from ..storage.tokens import TripletexSessions
from .connection_check import CheckItem, check_company
from .tripletex_connect import Connected, end_session

CONNECTION = "tripletex_connection"       # settings: company, employee, when
CHECK = "connection_check"                # settings: the last check's items
CHOICES = "tripletex_choices"             # settings: companies an accountant's token reaches
PENDING = "tripletex_pending"             # credential: that token, until a company is chosen
CHOICE_LIFETIME = timedelta(minutes=15)


class TripletexLink:
    """Read and change one installation's Tripletex connection."""

    def __init__(self, db: Database, box: SecretBox):
        self.db = db
        self.credentials = Credentials(db, box)
        self.installs = Installations(db)

    def connection(self, portal_id: int) -> dict | None:
        return self.installs.setting(portal_id, CONNECTION)

    def last_check(self, portal_id: int) -> dict | None:
        return self.installs.setting(portal_id, CHECK)

    def remember_choice(self, portal_id: int, token: str, companies: list[dict]) -> None:
        with write_transaction(self.db):
            self.credentials.put(portal_id, PENDING, token,
                                 expires_at=isoformat(utcnow() + CHOICE_LIFETIME))
            self.installs.set_setting(portal_id, CHOICES, [_company(c) for c in companies])

    def pending_choices(self, portal_id: int) -> list[dict] | None:
        """The companies to choose from, while the token waiting for the choice is fresh."""
        return self.installs.setting(portal_id, CHOICES) if self._pending(portal_id) else None

    def pending_token(self, portal_id: int) -> str | None:
        """The accountant's token awaiting a choice, unless it has waited too long."""
        return self.credentials.get(portal_id, PENDING) if self._pending(portal_id) else None

    def _pending(self, portal_id: int) -> bool:
        # Read the expiry alone: every page of the stepper asks, and it needs no decryption.
        row = self.db.execute("select expires_at from credentials where portal_id = ? and "
                              "kind = ?", [portal_id, PENDING]).fetchone()
        return row is not None and parse(row[0]) >= utcnow()

    def store(self, portal_id: int, token: str, result: Connected) -> None:
        """Keep a token that works; a new token replaces the old one and its session."""
        employee = result.employee
        with write_transaction(self.db):
            self.credentials.put(portal_id, TRIPLETEX_EMPLOYEE, token,
                                 meta={"company_id": result.company_id})
            self.credentials.delete(portal_id, TRIPLETEX_SESSION)
            self.credentials.delete(portal_id, PENDING)
            self.installs.delete_setting(portal_id, CHOICES)
            if result.check:                 # connecting has just run the whole check
                self.installs.set_setting(portal_id, CHECK, _outcome(result.check))
            else:
                self.installs.delete_setting(portal_id, CHECK)
            self.installs.set_setting(portal_id, CONNECTION, {
                "company": _company(result.company), "company_id": result.company_id,
                "employee": {"name": " ".join(filter(None, [employee.get("firstName"),
                                                            employee.get("lastName")])),
                             "email": employee.get("email") or ""},
                "connected_at": isoformat(utcnow())})
            if result.session is not None:
                TripletexSessions(self.credentials, portal_id).save(result.session)

    def check(self, portal_id: int, client: TripletexClient) -> dict:
        """Run the connection check and keep its outcome for the check step."""
        return self.save_check(portal_id, check_company(client, oslo_today()))

    def save_check(self, portal_id: int, items: list[CheckItem]) -> dict:
        """Keep a connection check's outcome for the check step."""
        outcome = _outcome(items)
        self.installs.set_setting(portal_id, CHECK, outcome)
        return outcome

    def disconnect(self, portal_id: int, client: TripletexClient | None) -> None:
        """End the session at Tripletex if it still answers, then forget the link."""
        end_session(client)
        self.forget(portal_id)

    def forget(self, portal_id: int) -> None:
        """Erase the token and what described the link (joins the caller's transaction)."""
        with write_transaction(self.db):
            for kind in (TRIPLETEX_EMPLOYEE, TRIPLETEX_SESSION, PENDING):
                self.credentials.delete(portal_id, kind)
            for key in (CONNECTION, CHECK, CHOICES):
                self.installs.delete_setting(portal_id, key)


def _outcome(items: list[CheckItem]) -> dict:
    return {"ok": all(i.ok for i in items), "at": isoformat(utcnow()),
            "items": [{"key": i.key, "ok": i.ok,
                       "problem": i.problem.__dict__ if i.problem else None} for i in items]}


def _company(company: dict) -> dict:
    return {"id": company.get("id"), "name": company.get("name") or "",
            "organization_number": company.get("organizationNumber")
            or company.get("organization_number") or ""}
