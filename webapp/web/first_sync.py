"""The First sync step: what the preview found, the person's choices, and the backfill's progress.

Nothing here calls HubSpot or Tripletex: the preview and the backfill run in the worker, and
this page reads what they stored (it refreshes itself while they run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from wtforms import DateField, Form, HiddenField, RadioField, StringField
from wtforms.validators import AnyOf, InputRequired, Optional

from ..collaborators import Collaborators
from ..sync.backfill import CURSOR as BACKFILL
from ..sync.backfill import DONE
from ..sync.preview import CURSOR as PREVIEW
from ..sync.runner import confirm_first_sync
from ..sync.settings import KEY, WON_DEAL_HISTORY, SyncSettings
from .i18n import gettext as _

PAGE_SIZE = 25
TYPES = ("companies", "products")  # what the progress counts
SHOWN = (*TYPES, "deals")  # what the preview lists
OUTCOMES = (
    "ambiguous",
    "invalid",
    "will_link",
    "will_create",
    "linked",
    "unmatched",
    "skipped",
    "not_invoiced",
)
QUEUED = "queued"


@dataclass
class FirstSync:
    phase: str  # start | preparing | review | running | finished
    preview: dict | None
    backfill: dict | None
    counts: dict  # hubspot type -> outcome -> count
    rows: list[dict]
    shown_type: str
    outcome: str
    search: str
    offset: int
    more: bool

    @property
    def undecided(self) -> int:
        return self.counts.get("companies", {}).get("ambiguous", 0)

    @property
    def total(self) -> int:
        """Companies and products the backfill goes through (contacts are not previewed)."""
        return sum(sum(self.counts.get(t, {}).values()) for t in TYPES)

    @property
    def done(self) -> int:
        finished = (self.backfill or {}).get("done") or {}
        return sum(int(finished.get(t, 0)) for t in TYPES)

    @property
    def contacts_done(self) -> int:
        return int(((self.backfill or {}).get("done") or {}).get("contacts", 0))

    def counted(self, hubspot_type: str, key: str) -> int:
        return int(((self.backfill or {}).get("counts") or {}).get(hubspot_type, {}).get(key, 0))


def phase_of(c: Collaborators, portal_id: int) -> tuple[str, dict | None, dict | None]:
    preview = c.cursors.get(portal_id, PREVIEW)
    backfill = c.cursors.get(portal_id, BACKFILL)
    settings = SyncSettings.from_stored(c.installations.setting(portal_id, KEY))
    if settings.confirmed:
        return (
            ("finished" if (backfill or {}).get("stage") == DONE else "running"),
            preview,
            backfill,
        )
    if preview is None or preview.get("state") == "failed":
        return "start", preview, backfill
    if preview.get("state") in (QUEUED, "running"):
        return "preparing", preview, backfill
    return "review", preview, backfill


def finished(c: Collaborators, portal_id: int) -> bool:
    return phase_of(c, portal_id)[0] == "finished"


def view(c: Collaborators, portal_id: int, args) -> FirstSync:
    phase, preview, backfill = phase_of(c, portal_id)
    shown_type = args.get("type") if args.get("type") in SHOWN else "companies"
    outcome = args.get("outcome") if args.get("outcome") in OUTCOMES else ""
    search = (args.get("q") or "").strip()[:100]
    try:
        offset = max(0, int(args.get("from") or 0))
    except ValueError:
        offset = 0
    rows: list[dict] = []
    if phase == "review":
        rows = c.previews.rows(
            portal_id,
            shown_type,
            outcome=outcome or None,
            search=search,
            limit=PAGE_SIZE + 1,
            offset=offset,
        )
    return FirstSync(
        phase,
        preview,
        backfill,
        c.previews.counts(portal_id),
        rows[:PAGE_SIZE],
        shown_type,
        outcome,
        search,
        offset,
        len(rows) > PAGE_SIZE,
    )


def queue_preview(c: Collaborators, portal_id: int, tasks) -> None:
    c.cursors.put(portal_id, PREVIEW, {"state": QUEUED, "done": {}})
    tasks.sync_preview(portal_id)


def queue_backfill(c: Collaborators, portal_id: int, tasks, history: dict | None = None) -> None:
    """Confirmed: live sync may run, and the backfill starts in the worker. `history`: what
    becomes of won deals not in Tripletex (the settings' won_deal_history, history_since)."""
    if history:
        stored = c.installations.setting(portal_id, KEY) or {}
        c.installations.set_setting(portal_id, KEY, dict(stored, **history))
    confirm_first_sync(c, portal_id)
    c.cursors.put(portal_id, BACKFILL, {"stage": QUEUED, "after": None, "done": {}, "counts": {}})
    tasks.sync_backfill(portal_id)


class DecisionForm(Form):
    """A person's answer for an ambiguous company: one of its candidates, or skip."""

    hubspot_id = HiddenField(validators=[InputRequired()])
    choice = StringField(validators=[InputRequired(message="Choose a customer, or skip.")])

    def decision(self, row: dict | None) -> dict | None:
        """The decision to store, or None when the choice is not one this row offered."""
        if row is None or row["outcome"] != "ambiguous":
            return None
        if self.choice.data == "skip":
            return {"skip": True}
        offered = {str(c["id"]) for c in row["detail"].get("candidates") or [] if c.get("id")}
        if self.choice.data in offered:
            return {"link": int(self.choice.data)}
        return None


class StartForm(Form):
    """The confirmation that starts the first sync, with what becomes of won deals that are
    not in Tripletex: left out (the default), invoiced, or invoiced from a date on."""

    confirm = HiddenField(validators=[AnyOf(["yes"])])
    history = RadioField(choices=list(WON_DEAL_HISTORY), default="link_only")
    history_since = DateField(validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.history.data == "invoice_since" and self.history_since.data is None:
            if not self.history_since.errors:  # a date that is not one says so already
                self.history_since.errors = [
                    _("Give the date: deals closed on or after it are invoiced.")
                ]
            return False
        return valid

    def chosen(self) -> dict:
        since = self.history_since.data
        return {
            "won_deal_history": self.history.data,
            "history_since": since.isoformat() if isinstance(since, date) else "",
        }
