"""What every page of sync work shares: its rows in the binder, its log entries, its problems,
and writing the outcome back onto the HubSpot records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..clients.errors import Action, ApiError, UnexpectedResponse, classify
from ..portal.problems import Problem, as_text
from ..storage.mappings import LINKED, Link
from ..storage.sync_log import TO_HUBSPOT, TO_TRIPLETEX, Entry
from .batches import reason, send_each
from .context import SyncContext
from .outcome import Summary, stop_for

# Records found after our own create's answer was lost, or after a worker died: ours all the same.
MADE_BEFORE = ("found_after_lost_answer", "found_after_interruption")


class Page:
    """One page of HubSpot records of a type, synced to one Tripletex kind."""

    hubspot_type: str
    kind: str

    def __init__(self, ctx: SyncContext, records: list[dict], labels: Callable[[], dict]):
        self.ctx = ctx
        self.records = {str(r["id"]): r for r in records}
        self.rows = ctx.mappings.get(ctx.portal_id, self.hubspot_type, self.kind, self.records)
        self.labels = labels  # details every message may name (a property's label, say)
        self.linked: dict[str, dict] = {}  # HubSpot id -> the Tripletex record as now stored
        self.failed: dict[str, Problem] = {}
        self.warnings: dict[str, Problem] = {}
        self.settled: list[Link] = []
        self.entries: list[Entry] = []
        self.summary = Summary()

    def properties_of(self, hid: str) -> dict:
        return self.records[hid].get("properties") or {}

    def text(self, problem: Problem) -> str:
        return as_text(problem, **self.labels())

    def link_rows(self, links: list[Link]) -> None:
        if links:
            self.ctx.mappings.link(self.ctx.portal_id, self.hubspot_type, self.kind, links)

    def fail(self, hid: str, problem: Problem, *, action: str = "hold", error=None) -> None:
        """The record could not be synced: keep the problem on its row, log it, show it."""
        self.failed[hid] = problem
        self.ctx.mappings.fail(
            self.ctx.portal_id,
            self.hubspot_type,
            self.kind,
            {hid: {"kind": problem.kind, "detail": problem.detail}},
        )
        self.summary.counts["failed"] += 1
        self.entries.append(
            Entry(
                TO_TRIPLETEX,
                self.hubspot_type,
                hid,
                action,
                "failed",
                object_type=self.kind,
                tripletex_id=(self.rows.get(hid) or {}).get("tripletex_id"),
                message=self.text(problem),
                problem={"kind": problem.kind, "detail": problem.detail},
                request_id=getattr(error, "request_id", None),
            )
        )

    def note(self, hid: str, problem: Problem) -> None:
        """A problem that does not stop the record (an invalid number left out, say)."""
        self.warnings[hid] = problem
        self.summary.counts["warnings"] += 1
        self.entries.append(
            Entry(
                TO_TRIPLETEX,
                self.hubspot_type,
                hid,
                "check",
                "skipped",
                object_type=self.kind,
                message=self.text(problem),
                problem={"kind": problem.kind, "detail": problem.detail},
            )
        )

    def entry(self, hid: str, action: str, tid, *, request_id: str | None = None) -> None:
        self.entries.append(
            Entry(
                TO_TRIPLETEX,
                self.hubspot_type,
                hid,
                action,
                "ok",
                object_type=self.kind,
                tripletex_id=tid,
                request_id=request_id,
            )
        )

    def write_back(self, synced: Callable[[str, dict], dict]) -> None:
        """Put the outcome onto the HubSpot records, writing only what differs.

        `synced(hid, tripletex_record)` names the properties of a linked record; a failed one
        gets its status and the problem in words.
        """
        inputs = []
        for hid in self.records:
            if hid in self.failed:
                wanted = {
                    "tripletex_sync_status": "failed",
                    "tripletex_sync_error": self.text(self.failed[hid]),
                }
            elif hid in self.linked:
                warning = self.warnings.get(hid)
                wanted = dict(
                    synced(hid, self.linked[hid]),
                    tripletex_sync_status="synced",
                    tripletex_sync_error=self.text(warning) if warning else "",
                )
            else:
                continue
            props = self.properties_of(hid)
            differs = {k: v for k, v in wanted.items() if (props.get(k) or "") != v}
            if differs:
                if hid not in self.failed:
                    differs["tripletex_last_synced"] = str(int(self.ctx.clock.time() * 1000))
                inputs.append({"id": hid, "properties": differs})
        self.send_updates(inputs)

    def send_updates(self, inputs: list[dict]) -> None:
        """Write these property changes onto the HubSpot records in one batch, and log each."""
        if not inputs:
            return
        try:
            result = self.ctx.hubspot.batch_update(self.hubspot_type, inputs)
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error
        for written in result.results:
            self.entries.append(
                Entry(
                    TO_HUBSPOT,
                    self.hubspot_type,
                    str(written.get("id")),
                    "write_back",
                    "ok",
                    object_type=self.kind,
                    request_id=getattr(written, "request_id", None),
                )
            )
        for error in result.errors:
            # One entry per record, so each can be found (and forgotten) by its id.
            for hid in (error.get("context") or {}).get("ids") or [None]:
                self.entries.append(
                    Entry(
                        TO_HUBSPOT,
                        self.hubspot_type,
                        str(hid) if hid is not None else None,
                        "write_back",
                        "failed",
                        object_type=self.kind,
                        message=str(error.get("message") or "HubSpot refused the update"),
                    )
                )

    def execute(self) -> Summary:
        """Sync the page: creates left in flight first, then match, update, create, and the
        outcome onto the HubSpot records. What was done is logged even when a service stops
        the page half-way."""
        with self.recording():
            self.settle_reserved()
            self.classify()
            self.update()
            self.create()
            self.write_back(self.synced_properties)
        return self.summary

    def synced_properties(self, hid: str, record: dict) -> dict:
        """What a linked HubSpot record carries of its Tripletex record (its id, a number)."""
        raise NotImplementedError

    # The write protocol, the same for every kind of record: what differs is in the hooks
    # (`path`, `number_of`, `read`, `link`, `find_created`) and the drafts (`name`, `hash`).

    path: str  # the Tripletex endpoint, e.g. "/customer"
    drafts: dict
    to_update: dict[str, dict]

    def number_of(self, record: dict) -> str | None:
        """The number a person sees on the Tripletex record (customer number, product number)."""
        return None

    def read(self, ids) -> dict[int, dict]:
        """Tripletex records by id, as they are now."""
        raise NotImplementedError

    id_property: str  # the HubSpot property that carries the Tripletex id

    def link(self, hid: str, record: dict, action: str, *, request_id: str | None = None):
        """Record that the HubSpot record is this Tripletex one. Created from the draft, the
        two are in step; linked to one that existed, its fields may differ, so the update
        step compares them (reading it first if what we hold has no version)."""
        created = action == "create"
        self.link_rows(
            [
                Link(
                    hid,
                    record["id"],
                    self.number_of(record),
                    record.get("version"),
                    self.drafts[hid].hash if created else None,
                    created=created or action in MADE_BEFORE,
                )
            ]
        )
        self.rows[hid] = dict(
            self.rows.get(hid) or {}, state=LINKED, tripletex_id=record["id"], synced_hash=None
        )
        self.summary.counts["created" if created else "linked"] += 1
        self.entry(hid, action, record["id"], request_id=request_id)
        if created:
            self.linked[hid] = record
        else:
            self.to_update[hid] = record if "version" in record else {}
        self.linked_also(record)

    def linked_also(self, record: dict) -> None:
        """What else the run keeps of a record just linked (its indexes)."""

    def written_back(self, hid: str, row: dict) -> bool:
        """Whether the HubSpot record already shows its link and says it is synced."""
        props = self.properties_of(hid)
        return props.get(self.id_property) == str(row["tripletex_id"]) and (
            props.get("tripletex_sync_status") == "synced"
        )

    def refusal(self, hid: str, error: ApiError) -> Problem:
        return Problem(
            "tripletex_refused", {"record": self.drafts[hid].name or hid, "reason": reason(error)}
        )

    def settle(self, hid: str, record: dict) -> None:
        """A linked record now holds what the HubSpot record maps to: remember its hash (the
        links are written together, by `save_settled`)."""
        self.linked[hid] = record
        self.settled.append(
            Link(
                hid,
                record["id"],
                self.number_of(record),
                record.get("version"),
                self.drafts[hid].hash,
            )
        )

    def save_settled(self) -> None:
        self.link_rows(self.settled)
        self.settled = []

    def read_linked(self) -> None:
        """Read the linked records about to be compared; one deleted in Tripletex is said so,
        rather than created again behind the accountant's back."""
        unread = {
            hid: self.rows[hid]["tripletex_id"] for hid, cur in self.to_update.items() if not cur
        }
        if not unread:
            return
        current = self.read(unread.values())
        for hid, tid in unread.items():
            if tid in current:
                self.to_update[hid] = current[tid]
                continue
            self.to_update.pop(hid)
            self.fail(
                hid,
                Problem(
                    "tripletex_refused",
                    {
                        "record": self.drafts[hid].name,
                        "reason": f"{self.kind} {tid} no longer exists in Tripletex",
                    },
                ),
                action="update",
            )

    def update_all(self, changes_for: Callable[[str, dict], dict]) -> None:
        """Write what differs of every record in `to_update`, a page at a time, each with its
        version; a conflict (a newer version, or our own replay) is read again and retried
        once."""
        self.read_linked()
        for attempt in (1, 2):
            pending = {hid: changes_for(hid, cur) for hid, cur in self.to_update.items()}
            for hid in [h for h, change in pending.items() if not change]:
                self.settle(hid, self.to_update.pop(hid))
                self.summary.counts["unchanged"] += 1
            if not self.to_update:
                break
            hids = list(self.to_update)
            items = [
                dict(pending[h], id=self.to_update[h]["id"], version=self.to_update[h]["version"])
                for h in hids
            ]
            sent = send_each(
                lambda chunk: self.ctx.tripletex.update_many(self.path, chunk),
                items,
                idempotent=True,
            )
            for position, written in sent.done.items():
                hid = hids[position]
                self.to_update.pop(hid)
                self.settle(hid, written)
                self.summary.counts["updated"] += 1
                self.entry(hid, "update", written.get("id"), request_id=written.request_id)
            for position, error in sent.refused.items():
                hid = hids[position]
                self.to_update.pop(hid)
                self.fail(hid, self.refusal(hid, error), action="update", error=error)
            if not sent.stopped:
                break
            error = sent.error or UnexpectedResponse("Tripletex", "a short answer to a batch")
            if classify(error, idempotent=True).action is not Action.REREAD or attempt == 2:
                self.save_settled()
                raise stop_for(error, idempotent=True)
            fresh = self.read([self.to_update[hids[p]]["id"] for p in sent.stopped])
            for position in sent.stopped:
                hid = hids[position]
                self.to_update[hid] = fresh.get(self.to_update[hid]["id"], self.to_update[hid])
        self.save_settled()

    def create_all(
        self,
        hids: list[str],
        payload: Callable[[str], dict],
        identifiers: Callable[[str], dict],
        find_created: Callable[[str], dict | None],
    ) -> None:
        """Create these records exactly once: reserve them (with what identifies each), create
        them, link them, each step committed on its own. After a lost answer each is looked
        up before it is created again; twice unanswered, they stay reserved for the next run
        to look for first."""
        if not hids:
            return
        self.ctx.mappings.reserve(
            self.ctx.portal_id, self.hubspot_type, self.kind, {h: identifiers(h) for h in hids}
        )
        pending, error = list(hids), None
        for _ in (1, 2):
            sent = send_each(
                lambda chunk: self.ctx.tripletex.create_many(self.path, chunk),
                [payload(hid) for hid in pending],
                idempotent=False,
            )
            for position, written in sent.done.items():
                self.link(pending[position], written, "create", request_id=written.request_id)
            for position, refusal in sent.refused.items():
                hid = pending[position]
                self.fail(hid, self.refusal(hid, refusal), action="create", error=refusal)
            if not sent.stopped:
                return
            stopped = [pending[p] for p in sent.stopped]
            error = sent.error or UnexpectedResponse("Tripletex", "a short answer to a batch")
            if classify(error, idempotent=False).action is not Action.REREAD:
                raise stop_for(error, idempotent=False)  # not sent: still reserved, retried
            # The answer was lost: Tripletex may have created them. Look before creating again.
            pending = []
            for hid in stopped:
                found = find_created(hid)
                if found is not None:
                    self.link(hid, found, "found_after_lost_answer")
                else:
                    pending.append(hid)
            if not pending:
                return
        raise stop_for(error, idempotent=False)

    def record(self) -> None:
        """Links and failures are committed as they happen; the log in one insert a step."""
        entries, self.entries = self.entries, []
        self.ctx.log.record(self.ctx.portal_id, entries)

    @contextmanager
    def recording(self) -> Iterator[None]:
        """Log what the page did, also when a service stopped it half-way (the retry then
        finds those records done and logs nothing twice)."""
        try:
            yield
        finally:
            self.record()


def page_failed(ctx: SyncContext, hubspot_type: str, records: list[dict], failure) -> Summary:
    """Log every record of a page no retry can finish as failed, so the work can move on."""
    error = failure.error
    ctx.log.record(
        ctx.portal_id,
        [
            Entry(
                TO_TRIPLETEX,
                hubspot_type,
                str(r["id"]),
                "page",
                "failed",
                message=f"{error.service} refused this page of records: {error.message}",
                request_id=error.request_id,
            )
            for r in records
        ],
    )
    summary = Summary()
    summary.counts["failed"] += len(records)
    return summary
