"""The compiled translations (.mo) the pages read, built from the catalogues (.po) when stale.

`make` compiles them too; doing it at start-up as well means a deployment that skipped that
step (a fresh checkout, a new .po copied in) still shows Bokmål, not English. Where the
folder cannot be written, the app says so in its log at start-up; `make catalogues` then
has to be run by whoever may write there.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger(__name__)


def compile_stale(directory: Path) -> list[Path]:
    """Compile every messages.po newer than its .mo (or without one); return what was written.

    Each .mo is written beside the .po under a temporary name and moved into place, so a
    process starting at the same moment never reads half a file.
    """
    written = []
    for po in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        partial = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
        try:
            with partial.open("wb") as target:
                write_mo(target, catalog)
            partial.replace(mo)
        except OSError as exc:  # a read-only install: `make catalogues` must do it
            log.error(
                "could not compile %s (%s): its pages show English until `make catalogues` is run",
                po,
                exc,
            )
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            continue
        written.append(mo)
    return written
