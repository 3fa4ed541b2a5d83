"""What every page of sync work shares: its rows in the binder, its log entries, its problems,
and writing the outcome back onto the HubSpot records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..clients.errors import ApiError
from ..portal.problems import Problem, as_text
from ..storage.mappings import Link
from ..storage.sync_log import TO_HUBSPOT, TO_TRIPLETEX, Entry
from .context import SyncContext
from .outcome import Summary, stop_for


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
