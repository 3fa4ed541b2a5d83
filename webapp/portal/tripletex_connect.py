"""Connecting a portal to Tripletex: reading the pasted token, validating it live, checking the
company is ready for the sync, and saying what went wrong in words a user can act on.

No Flask here: the setup pages call these functions with a client factory.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .clients.errors import (ApiError, BadRequest, DeadlineExceeded, Forbidden, RateLimited,
                             ServerError, TransportError, Unauthorized)
from .clients.tripletex import SERVICE, Session, TripletexClient
from .timeutil import oslo_today

ClientFactory = Callable[[str, int], TripletexClient]   # (employee token, company id) -> client

_QUOTES = "\"'`“”‘’«»"
# Production tokens are base64 of a small JSON object; test-environment ones add "test-".
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9+/=_\-.:]{16,512}$")
OUTGOING_VAT_CODES = ("3", "31", "33", "5", "6")


class TokenInputError(ValueError):
    """The pasted text cannot be a token at all."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason          # "empty" | "non_printable" | "too_long"


@dataclass
class TokenInput:
    token: str
    warning: str | None = None        # "unusual" when it does not look like a Tripletex token


def read_token(raw: str | None) -> TokenInput:
    """Trim whitespace and quotes; refuse empty or non-printable input; warn on odd shapes."""
    text = (raw or "").strip()
    while text and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    if not text:
        raise TokenInputError("empty")
    if any(not ch.isprintable() for ch in text):
        raise TokenInputError("non_printable")
    if len(text) > 2048:
        raise TokenInputError("too_long")
    return TokenInput(text, None if _TOKEN_SHAPE.match(text) else "unusual")


@dataclass
class Problem:
    """A failure explained: `kind` picks the message, `detail` fills it in."""

    kind: str
    detail: dict = field(default_factory=dict)


@dataclass
class Connected:
    company_id: int                   # 0 means the token owner's own company
    company: dict
    employee: dict
    companies: list[dict] = field(default_factory=list)   # set when the user must choose
    session: Session | None = None    # the session made while connecting, to keep using
    check: list["CheckItem"] = field(default_factory=list)    # the connection check, already run


def explain(error: ApiError, *, area: str | None = None) -> Problem:
    """Turn a Tripletex error into something the user can act on, never a stack trace.

    `area` names the entitlement the failed call needed, when a refusal should name it.
    """
    fields = error.fields()
    if isinstance(error, BadRequest) and "arg:consumerToken" in fields:
        return Problem("consumer_token_refused")
    if isinstance(error, BadRequest) and "arg:employeeToken" in fields:
        return Problem("employee_token_refused")
    if isinstance(error, Unauthorized):
        return Problem("employee_token_refused")
    if isinstance(error, Forbidden):
        return Problem("missing_entitlements", {"which": [area]} if area else {})
    if isinstance(error, RateLimited):
        return Problem("rate_limited", {"seconds": int(error.retry_after or 10)})
    if isinstance(error, DeadlineExceeded):
        return Problem("too_slow", {"seconds": round(error.seconds)})
    if isinstance(error, (TransportError, ServerError)):
        return Problem("unreachable")
    return Problem("unexpected", {"request_id": error.request_id or "-",
                                  "status": error.status or "-"})


class NotEntitled(Exception):
    """The token works but lacks entitlements the sync needs (`which` lists the areas)."""

    def __init__(self, which: list[str]):
        super().__init__(", ".join(which))
        self.which = which


class UnknownCompany(Exception):
    """The chosen company is not one this token may act for."""


def connect(make_client: ClientFactory, token: str, company_id: int | None = None, *,
            today: date | None = None) -> Connected:
    """Create a session, learn whose token this is, and prove it may do what the sync does.

    An accountant's token reaches several client companies: without `company_id` the
    result lists them and the caller asks the user to pick one.
    """
    client = make_client(token, 0)
    client.create_session()
    try:
        result = _connect(make_client, client, token, company_id, today or oslo_today())
    except BaseException:
        end_session(client)           # nothing will use this session; do not leave it open
        raise
    if result.session is None:
        end_session(client)           # an accountant still has to choose a company
    return result


def _connect(make_client: ClientFactory, client: TripletexClient, token: str,
             company_id: int | None, today: date) -> Connected:
    who, reachable = client.concurrently(TripletexClient.who_am_i,
                                         TripletexClient.companies_with_login_access)
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
        chosen.sessions = client.sessions          # one session serves every client company
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


@dataclass
class CheckItem:
    key: str            # bank_account | vat_types | endpoint:<path>
    ok: bool
    problem: Problem | None = None


# Each endpoint the sync uses, the entitlement it needs (as Tripletex names the areas in
# "Adapted setup"), and the cheapest query that proves we may call it.
def _endpoint_probes(today: date) -> dict[str, tuple[str, dict]]:
    window = {"from": 0, "count": 1, "fields": "id"}
    yesterday = (today - timedelta(days=1)).isoformat()
    return {
        "/customer": ("customers", window),
        "/contact": ("contacts", window),
        "/product": ("products", window),
        "/order": ("orders", dict(window, orderDateFrom=yesterday,
                                  orderDateTo=today.isoformat())),
        "/invoice": ("invoices", dict(window, invoiceDateFrom=yesterday,
                                      invoiceDateTo=today.isoformat())),
        "/invoice/paymentType": ("payments", window),
        "/currency": ("currencies", dict(window, code="NOK")),
    }


def _endpoint_check(path: str, area: str, params: dict) -> Callable[[TripletexClient], CheckItem]:
    """Call one endpoint the sync uses; a refusal names the entitlement it lacks."""
    def probe(client: TripletexClient) -> CheckItem:
        try:
            client.request("GET", path, params=params)
            return CheckItem(f"endpoint:{path}", True)
        except ApiError as exc:
            return CheckItem(f"endpoint:{path}", False, explain(exc, area=area))
    return probe


def missing_entitlements(items: list[CheckItem]) -> list[str]:
    """The areas the probes were refused for lack of entitlement."""
    return [area for i in items if i.problem and i.problem.kind == "missing_entitlements"
            for area in i.problem.detail.get("which", [])]


def check_company(client: TripletexClient, today: date) -> list[CheckItem]:
    """Can the sync work with this company? One item per precondition, each explained."""
    endpoints = _endpoint_probes(today)
    probes = [_endpoint_check(path, area, params) for path, (area, params) in endpoints.items()]
    try:
        return client.concurrently(_check_bank_account, lambda c: _check_vat_types(c, today),
                                   *probes)
    except ApiError as exc:
        # No session could be made, so nothing was checked: every item fails the same way.
        problem = explain(exc)
        return [CheckItem(key, False, problem) for key in
                ["bank_account", "vat_types", *(f"endpoint:{path}" for path in endpoints)]]


def _check_bank_account(client: TripletexClient) -> CheckItem:
    try:
        accounts = list(client.list("/ledger/account", params={"number": "1920"},
                                    fields="id,number,name,bankAccountNumber"))
    except ApiError as exc:
        return CheckItem("bank_account", False, explain(exc))
    if any((a.get("bankAccountNumber") or "").strip() for a in accounts):
        return CheckItem("bank_account", True)
    return CheckItem("bank_account", False, Problem("no_bank_account"))


def _check_vat_types(client: TripletexClient, today: date) -> CheckItem:
    try:
        vat_types = list(client.list("/ledger/vatType", fields="id,number,percentage",
                                     params={"typeOfVat": "OUTGOING",
                                             "vatDate": today.isoformat()}))
    except ApiError as exc:
        return CheckItem("vat_types", False, explain(exc))
    numbers = {str(v.get("number")) for v in vat_types}
    if "3" in numbers or "6" in numbers:
        return CheckItem("vat_types", True)
    return CheckItem("vat_types", False, Problem("no_vat_types",
                                                 {"missing": ", ".join(OUTGOING_VAT_CODES)}))
