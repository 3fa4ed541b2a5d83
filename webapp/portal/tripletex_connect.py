"""Connecting a portal to Tripletex: the pasted token tried live, whose it is, which company,
and whether it may do what the sync does. Nothing is stored here (see tripletex_link)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ..clients.errors import ApiError, DeadlineExceeded
from ..clients.tripletex import SERVICE, Session, TripletexClient
from ..timeutil import oslo_today
from .connection_check import CheckItem, check_company, missing_entitlements

ClientFactory = Callable[[str, int], TripletexClient]  # (employee token, company id) -> client


@dataclass
class Connected:
    company_id: int  # 0 means the token owner's own company
    company: dict
    employee: dict
    companies: list[dict] = field(default_factory=list)  # set when the user must choose
    session: Session | None = None  # the session made while connecting, to keep using
    check: list[CheckItem] = field(default_factory=list)  # the connection check, already run


class NotEntitled(Exception):
    """The token works but lacks entitlements the sync needs (`which` lists the areas)."""

    def __init__(self, which: list[str]):
        super().__init__(", ".join(which))
        self.which = which


class UnknownCompany(Exception):
    """The chosen company is not one this token may act for."""


def connect(
    make_client: ClientFactory,
    token: str,
    company_id: int | None = None,
    *,
    today: date | None = None,
) -> Connected:
    """Create a session, learn whose token this is, and prove it may do what the sync does.

    An accountant's token reaches several client companies: without `company_id` the
    result lists them and the caller asks the user to pick one.
    """
    client = make_client(token, 0)
    client.create_session()
    try:
        result = _connect(make_client, client, token, company_id, today or oslo_today())
    except BaseException:
        end_session(client)  # nothing will use this session; do not leave it open
        raise
    if result.session is None:
        end_session(client)  # an accountant still has to choose a company
    return result


def _connect(
    make_client: ClientFactory,
    client: TripletexClient,
    token: str,
    company_id: int | None,
    today: date,
) -> Connected:
    who, reachable = client.concurrently(
        TripletexClient.who_am_i, TripletexClient.companies_with_login_access
    )
    employee = who.get("employee") or {}
    own = who.get("company") or {}
    own_id = int(own.get("id") or who.get("companyId") or 0)
    if company_id is None and len(reachable) > 1:
        return Connected(0, own, employee, companies=reachable)
    if company_id in (None, 0, own_id):
        chosen, chosen_id, company = client, 0, own
    else:
        if company_id not in {int(c.get("id") or 0) for c in reachable}:
            raise UnknownCompany(company_id)
        chosen = make_client(token, company_id)
        chosen.sessions = client.sessions  # one session serves every client company
        chosen_id, company = company_id, chosen.company(company_id)
    items = check_company(chosen, today)
    slow = next((i.problem for i in items if i.problem and i.problem.kind == "too_slow"), None)
    if slow:
        # Entitlements went unchecked: storing the token now would only look like success.
        raise DeadlineExceeded(SERVICE, slow.detail["seconds"], ambiguous=False)
    missing = missing_entitlements(items)
    if missing:
        raise NotEntitled(missing)
    return Connected(chosen_id, company, employee, session=client.sessions.load(), check=items)


def end_session(client: TripletexClient | None) -> None:
    """Revoke the client's session token, if Tripletex answers; it lapses at midnight anyway."""
    if client is None:
        return
    try:
        client.delete_session()
    except ApiError:
        pass
