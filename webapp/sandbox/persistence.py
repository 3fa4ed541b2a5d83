"""A simulator's world in a file: read at start, written soon after each change, so stopping
and starting `make run` keeps the portals, companies and tokens the app already links to.

The file is the fingerprint of the simulator's own code on a line, then a pickle of its
state: a file written by other code is not read, because its shape may no longer fit; the
simulator moves it aside (`NAME.unused`, for a look), starts afresh and says so. Only the
simulator reads and writes it, in the instance folder, readable by its owner only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
ASIDE = ".unused"
UNREADABLE = "unreadable"  # what written_by says of a path it cannot read
# A save holds the simulator's lock while it pickles (a big world takes a second), so saves
# are spaced at least this many times their own duration apart: a simulator busy with a
# benchmark spends a twentieth of its time saving, at most.
SPACING = 20


def code_fingerprint(package_dir: Path) -> str:
    """A digest of the simulator's source files: a state written by other code is not loaded."""
    digest = hashlib.sha256()
    for source in sorted(package_dir.rglob("*.py")):
        digest.update(source.relative_to(package_dir).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def written_by(path: Path) -> str | None:
    """The fingerprint of the code that wrote the state file at `path`, None for no file, or
    UNREADABLE."""
    try:
        with Path(path).open("rb") as source:
            return source.readline(200).strip().decode("ascii", "replace")
    except FileNotFoundError:
        return None
    except OSError:
        return UNREADABLE


class StateFile:
    """Load the state once, then save it in the background whenever it was marked changed.

    `snapshot()` returns the state pickled; it takes the simulator's own lock while it does,
    so a save never sees half a change. Saves are coalesced: a burst of writes costs one save.
    """

    def __init__(
        self, path: Path, fingerprint: str, snapshot: Callable[[], bytes], *, interval: float = 0.5
    ):
        self.path = Path(path)
        self.fingerprint = fingerprint
        self.snapshot = snapshot
        self.interval = interval
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._saving = threading.Lock()
        self._thread: threading.Thread | None = None
        self._spacing = 0.0  # seconds to leave between saves, from how long the last took

    def load(self) -> Any | None:
        """The saved state, or None when there is none (or it was written by other code)."""
        try:
            with self.path.open("rb") as source:
                if source.readline(200).strip().decode("ascii", "replace") == self.fingerprint:
                    return pickle.load(source)
                problem = "it was written by another version of the simulator"
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001 - a damaged file must not stop the simulator
            problem = f"it could not be read ({type(exc).__name__}: {exc})"
        aside = self.path.with_name(self.path.name + ASIDE)
        self.path.replace(aside)
        log.warning(
            "%s is not used, since %s; moved to %s, starting afresh", self.path, problem, aside
        )
        return None

    def forget(self) -> None:
        """Delete the saved state (`--fresh`)."""
        self.path.unlink(missing_ok=True)

    def changed(self) -> None:
        """Note that the state changed; it is saved within `interval` seconds."""
        self._dirty.set()

    def save(self) -> None:
        """Write the state now, atomically (a reader never sees half a file)."""
        with self._saving:
            started = time.monotonic()
            self._dirty.clear()
            data = self.fingerprint.encode("ascii") + b"\n" + self.snapshot()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as target:
                target.write(data)
            partial.replace(self.path)
            self._spacing = SPACING * (time.monotonic() - started)

    def start(self) -> None:
        """Save in the background from now on, whenever the state changed."""
        self._thread = threading.Thread(
            target=self._run, name=f"save {self.path.name}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop saving in the background, after a last save of anything unsaved."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._dirty.is_set():
            self.save()

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._dirty.wait(timeout=self.interval) and not self._stop.is_set():
                # Let a burst of writes finish first, and a big world's saves not crowd out
                # the requests (each stops them for as long as it pickles).
                self._stop.wait(max(self.interval, self._spacing))
                try:
                    self.save()
                except Exception:  # noqa: BLE001 - keep saving later changes
                    log.exception("could not save %s", self.path)
