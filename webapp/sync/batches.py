"""Sending a page of records through a Tripletex `/list` endpoint, which fails whole.

One refused record must not sink the other 99: Tripletex names the refused item by its index
(`path: "[3].organizationNumber"`), so that one is set aside and the rest sent again; when
it names none, the page is sent one by one. Anything but a refusal (a lost answer, a rate
limit, a lost session) stops the page: what was done so far is kept, and the caller decides
about the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..clients.errors import Action, ApiError, BatchInterrupted, classify
from ..clients.http import Written

_INDEX = re.compile(r"^\[(\d+)\]")


@dataclass
class Sent:
    done: dict[int, Written] = field(default_factory=dict)  # position -> what Tripletex stored
    refused: dict[int, ApiError] = field(default_factory=dict)  # position -> why
    stopped: list[int] = field(default_factory=list)  # positions whose fate is not known
    error: ApiError | None = None  # what stopped them


def send_each(
    call: Callable[[list[dict]], list[Written]], items: list[dict], *, idempotent: bool
) -> Sent:
    """Send `items` (at most a page) with `call`, isolating the items Tripletex refuses."""
    sent = Sent()
    queue = [list(range(len(items)))]
    while queue:
        positions = queue.pop(0)
        try:
            written = call([items[p] for p in positions])
        except ApiError as error:
            if isinstance(error, BatchInterrupted):
                error = error.error
            if classify(error, idempotent=idempotent).action is not Action.FATAL:
                sent.stopped = positions + [p for rest in queue for p in rest]
                sent.error = error
                return sent
            named = _refused_positions(error, positions)
            if named:
                sent.refused.update((p, _own(error, named[p])) for p in named)
                rest = [p for p in positions if p not in named]
                if rest:
                    queue.insert(0, rest)
            elif len(positions) == 1:
                sent.refused[positions[0]] = error
            else:
                queue[:0] = [[p] for p in positions]
            continue
        if len(written) != len(positions):
            # Tripletex answered for fewer items than it was sent: which were stored is unknown.
            sent.stopped = positions + [p for rest in queue for p in rest]
            return sent
        sent.done.update(zip(positions, written))
    return sent


def _refused_positions(error: ApiError, positions: list[int]) -> dict[int, list[dict]]:
    """The positions a refusal names, each with the messages about it."""
    named: dict[int, list[dict]] = {}
    for message in error.validation_messages:
        found = _INDEX.match(str(message.get("path") or ""))
        if found and int(found.group(1)) < len(positions):
            named.setdefault(positions[int(found.group(1))], []).append(message)
    return named


def _own(error: ApiError, messages: list[dict]) -> ApiError:
    """The refusal as it concerns one item: its own messages, not the page's."""
    mine = type(error).__new__(type(error))  # its constructor wants what the parser had
    mine.__dict__.update(error.__dict__, validation_messages=messages)
    mine.args = error.args
    return mine


def reason(error: ApiError) -> str:
    """What Tripletex said about a refused record, in its words (they are for people)."""
    messages = [
        str(m.get("message")).strip() for m in error.validation_messages if m.get("message")
    ]
    return " ".join(dict.fromkeys(messages)) or error.message
