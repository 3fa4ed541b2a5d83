"""The sandbox's in-memory world: companies, tokens, sessions and objects, behind one lock."""

from __future__ import annotations

import pickle
import threading
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")

# Real ids are large and differ by type (customers ~1e8, invoices ~2.1e9, postings ~3.8e9),
# so each type counts up from its own base; clients must cope with 64-bit ids.
ID_BASES = {
    "company": 10_450_000,
    "employee": 1_734_800,
    "customer": 108_324_000,
    "contact": 17_200_000,
    "product": 84_100_000,
    "order": 401_991_000,
    "orderline": 1_607_534_000,
    "invoice": 2_147_572_000,
    "posting": 3_845_091_000,
    "voucher": 608_890_000,
    "address": 26_087_000,
    "subscription": 48_620,
    "session": 631_962_000,
    "employeeToken": 1_486_000,
    "account": 31_925_000,
    "closeGroup": 55_100_000,
    "paymentType": 28_700_000,
    "document": 1_024_203_000,
    "currencyRate": 7_300_000,
}

DEFAULT_SETTINGS = {
    "state_file": None,  # where the world is kept between runs (None: in memory only)
    "fresh": False,  # with state_file: forget the saved world and start over
    # Duplicated from webapp/config.py on purpose: the sandbox imports nothing of the product.
    "consumer_token": "sandbox-consumer-token",
    "application_name": "Tripletex Sync for HubSpot",
    "rate_limit": 100,  # requests per window per employee token
    "rate_window": 10,  # seconds
    # Tripletex leaves X-Rate-Limit-Reset off its 429 (tripletex-api2 issue #103, open).
    "omit_reset_on_429": True,
    "result_cap": 10_000,  # rows a query may match before 422 / 23000
    "environment": "production",  # "test": generated tokens start "test-", as on api-test
    "ignore_changed_since": False,  # True mirrors the test environment (tripletex-api2 #113)
    "legacy_sessions_only": False,  # True: only PUT :create exists, as before 2.74
    "webhook_retry_delays": [1, 5, 30, 120, 600],  # seconds between attempts
    "webhook_max_failures": 10,  # failed attempts in a row before DISABLED_TOO_MANY_ERRORS
    "webhook_timeout": 5.0,
    # Seconds between an event and its delivery ("give it a few seconds to propagate").
    "webhook_delivery_delay": 1.0,
    # Seconds after a subscription is created before its events are delivered at all
    # (docs/webhooks/README.md: subscribe, wait, then do a full sync).
    "subscription_propagation": 3.0,
    # True: GET /event/subscription shows only the caller's token's subscriptions.
    "subscriptions_per_token": True,
    # A line with a product and no vatType takes the product's (False: VAT code 0, as a line
    # without a product does; UNCONFIRMED for product lines).
    "line_vat_from_product": True,
    # :invoice, POST /invoice: the invoice is charged before a failed send answers 422.
    "charge_before_send_failure": True,
    # EMAIL needs an address (override, order receiverEmail, invoiceEmail or email).
    "email_send_needs_address": True,
    # PUT /order/{id} saves orderLines only with updateLinesAndGroups=true.
    "put_order_lines_need_flag": True,
    # Two requests writing one record at once: the later one answers 409 / 8000.
    "concurrent_write_conflicts": True,
    "now": None,  # callable returning an aware datetime (tests inject it)
    "demo": False,
}


class Clock:
    """Wall clock with a movable offset, so tests and demos can jump ahead without sleeping."""

    def __init__(self, now=None):
        self._now = now or (lambda: datetime.now(timezone.utc))
        self.offset = timedelta()
        self.listeners: list = []  # called after every move (the webhook queue wakes up)

    def now(self) -> datetime:
        return self._now() + self.offset

    def today(self) -> date:
        """Today's date in Europe/Oslo, which is what Tripletex dates mean."""
        return self.now().astimezone(OSLO).date()

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)
        for listener in self.listeners:
            listener()

    def timestamp(self) -> float:
        return self.now().timestamp()


class State:
    """Everything the sandbox remembers; callers hold `lock` while reading or writing."""

    def __init__(self, settings: dict, clock: Clock):
        self.settings = settings
        self.clock = clock
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Forget every company, token, session, log entry and fault."""
        with self.lock:
            self.companies: dict[int, dict] = {}
            self.employee_tokens: dict[str, dict] = {}
            self.sessions: dict[str, dict] = {}
            self.subscriptions: dict[int, dict] = {}
            self.request_log: list[dict] = []
            self.deliveries: list[dict] = []
            self.faults: dict = {}
            self.rate_buckets: dict[str, dict] = {}
            # Exchange rates (NOK per `factor` units) by currency code and ISO date;
            # a date without an entry on or before it uses the currency's base rate.
            self.rates: dict[str, dict[str, float]] = {}
            # Organisation numbers registered to receive EHF in the Peppol network (ELMA).
            self.peppol: set[str] = set()
            # Write ordering, to answer 409 to the later of two concurrent writes.
            self.write_seq = 0
            self.stamps: dict[int, int] = {}
            self._counters = dict(ID_BASES)

    # What a restart keeps (persistence.py): the world, not the run's log, faults or queue.
    KEPT = (
        "companies",
        "employee_tokens",
        "sessions",
        "subscriptions",
        "rates",
        "peppol",
        "_counters",
    )

    def pickled(self) -> bytes:
        """The world, pickled under the lock, for the state file."""
        with self.lock:
            kept = {name: getattr(self, name) for name in self.KEPT}
            return pickle.dumps(dict(kept, clock_offset=self.clock.offset))

    def restore(self, saved: dict) -> None:
        """Take back a world saved by `pickled`."""
        with self.lock:
            for name in self.KEPT:
                setattr(self, name, saved[name])
            self.clock.offset = saved["clock_offset"]

    def token_prefix(self) -> str:
        """Tokens of Tripletex's test environment start with "test-"; production ones do not."""
        return "test-" if self.settings.get("environment") == "test" else ""

    def next_id(self, kind: str) -> int:
        with self.lock:
            self._counters[kind] = self._counters.get(kind, 1_000_000) + 1
            return self._counters[kind]

    # Companies and their objects

    def add_company(self, company: dict) -> dict:
        company.setdefault("objects", {})
        company.setdefault(
            "counters",
            {
                "customerNumber": 10000,
                "invoiceNumber": 0,
                "orderNumber": 0,
                "productNumber": 0,
                "voucherNumber": 0,
            },
        )
        self.companies[company["id"]] = company
        return company

    def table(self, company_id: int, kind: str) -> dict[int, dict]:
        """The objects of one type in one company, by id."""
        return self.companies[company_id]["objects"].setdefault(kind, {})

    def get(self, company_id: int, kind: str, object_id) -> dict | None:
        try:
            return self.table(company_id, kind).get(int(object_id))
        except (TypeError, ValueError, KeyError):
            return None

    def find_anywhere(self, kind: str, object_id: int) -> tuple[int, dict] | tuple[None, None]:
        """Locate an object by id in any company (ids are unique across the sandbox)."""
        for company_id in self.companies:
            found = self.get(company_id, kind, object_id)
            if found is not None:
                return company_id, found
        return None, None

    def counter(self, company_id: int, name: str) -> int:
        counters = self.companies[company_id]["counters"]
        counters[name] = counters.get(name, 0) + 1
        return counters[name]
