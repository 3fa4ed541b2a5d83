"""The compiled translations are built from the catalogues whenever they are stale."""

import os
import shutil
from gettext import GNUTranslations

from webapp.web.catalogues import compile_stale
from webapp.web.i18n import TRANSLATIONS

PO = TRANSLATIONS / "nb" / "LC_MESSAGES" / "messages.po"


def test_a_missing_or_stale_catalogue_is_compiled_and_a_fresh_one_left_alone(tmp_path):
    folder = tmp_path / "nb" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(PO, folder / "messages.po")

    assert compile_stale(tmp_path) == [folder / "messages.mo"]
    with (folder / "messages.mo").open("rb") as compiled:
        assert GNUTranslations(compiled).gettext("Connect Tripletex") == "Koble til Tripletex"
    assert compile_stale(tmp_path) == []  # up to date: nothing written

    later = (folder / "messages.mo").stat().st_mtime + 10
    os.utime(folder / "messages.po", (later, later))  # the .po was edited since
    assert compile_stale(tmp_path) == [folder / "messages.mo"]


def test_a_catalogue_that_cannot_be_written_leaves_the_pages_serving_and_says_why(tmp_path, caplog):
    folder = tmp_path / "nb" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(PO, folder / "messages.po")
    # Where the compiled file would be written stands a directory (even root cannot write).
    (folder / f"messages.mo.{os.getpid()}.tmp").mkdir()

    assert compile_stale(tmp_path) == []

    assert "could not compile" in caplog.text and not (folder / "messages.mo").exists()
