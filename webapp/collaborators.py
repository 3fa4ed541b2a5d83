"""Build API clients for a portal from configuration and stored (encrypted) credentials."""
from __future__ import annotations

from contextlib import nullcontext

from sqlite_utils import Database

from .clients.http import Deadline
from .clients.hubspot import HubSpotClient
from .clients.tripletex import MemorySessionCache, TripletexClient
from .storage.credentials import TRIPLETEX_EMPLOYEE, Credentials
from .storage.tokens import HubSpotTokens, TripletexSessions


INTERACTIVE_CALL_TIMEOUT = 10.0       # seconds, for any one call a person waits on


def _transport_options(config: dict) -> dict:
    options = {"timeout": config["HTTP_TIMEOUT"], "max_attempts": config["HTTP_MAX_ATTEMPTS"]}
    if "HTTP_MAX_WAIT" in config:
        options["max_wait"] = config["HTTP_MAX_WAIT"]
    if config.get("HTTP_DEADLINE") is not None:
        options["deadline"] = config["HTTP_DEADLINE"]
    return options


def interactive(config: dict, deadline: Deadline | None = None) -> dict:
    """The configuration for calls a person waits on: answer within seconds, and rather say
    "try again in N seconds" than sleep out a rate limit behind a spinner.

    With `deadline`, every client built from it shares that one limit on the whole chain.
    """
    return dict(config, HTTP_TIMEOUT=min(config["HTTP_TIMEOUT"], INTERACTIVE_CALL_TIMEOUT),
                HTTP_MAX_ATTEMPTS=min(config["HTTP_MAX_ATTEMPTS"], 2), HTTP_MAX_WAIT=2.0,
                HTTP_DEADLINE=deadline)



def tripletex_for_token(config: dict, token: str, company_id: int = 0) -> TripletexClient:
    """A client for a token being tried out; its session is not stored anywhere."""
    return TripletexClient(config["TRIPLETEX_API_BASE"], config["TRIPLETEX_CONSUMER_TOKEN"],
                           token, company_id=company_id, session_cache=MemorySessionCache(),
                           **_transport_options(config))


def tripletex_for_portal(config: dict, credentials: Credentials,
                         portal_id: int) -> TripletexClient | None:
    """The portal's connected client, reusing its cached session; None when not connected."""
    token = credentials.get(portal_id, TRIPLETEX_EMPLOYEE)
    if not token:
        return None
    company_id = int(credentials.meta(portal_id, TRIPLETEX_EMPLOYEE).get("company_id") or 0)
    return TripletexClient(config["TRIPLETEX_API_BASE"], config["TRIPLETEX_CONSUMER_TOKEN"],
                           token, company_id=company_id,
                           session_cache=TripletexSessions(credentials, portal_id),
                           **_transport_options(config))


def hubspot_for_portal(config: dict, db: Database, credentials: Credentials,
                       portal_id: int) -> HubSpotClient:
    return HubSpotClient(config["HUBSPOT_API_BASE"], config["HUBSPOT_API_VERSION"],
                         config["HUBSPOT_CLIENT_ID"], config["HUBSPOT_CLIENT_SECRET"],
                         HubSpotTokens(db, credentials, portal_id), **_transport_options(config))


class _HeldToken:
    """A token not (yet) stored anywhere, e.g. the one an install has just received."""

    def __init__(self, token: dict):
        self.token = token

    def load(self) -> dict:
        return self.token

    def save(self, token: dict) -> None:
        self.token = token

    def refresh_lock(self):
        return nullcontext()


def hubspot_for_token(config: dict, token: dict) -> HubSpotClient:
    """A client for a token that belongs to no stored installation yet."""
    return HubSpotClient(config["HUBSPOT_API_BASE"], config["HUBSPOT_API_VERSION"],
                         config["HUBSPOT_CLIENT_ID"], config["HUBSPOT_CLIENT_SECRET"],
                         _HeldToken(token), **_transport_options(config))
