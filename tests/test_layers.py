"""The layers hold: import-linter's contracts (setup.cfg) pass, and they would catch a breach."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(tree))
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", "setup.cfg"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )


def test_every_layer_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_flow_that_imports_flask_breaks_the_contracts(tmp_path):
    shutil.copytree(
        ROOT / "webapp",
        tmp_path / "webapp",
        ignore=shutil.ignore_patterns("__pycache__", "sandbox"),
    )
    (tmp_path / "webapp" / "sandbox").mkdir()
    (tmp_path / "webapp" / "sandbox" / "__init__.py").write_text("")
    shutil.copy(ROOT / "setup.cfg", tmp_path / "setup.cfg")
    plans = tmp_path / "webapp" / "portal" / "plans.py"
    plans.write_text(plans.read_text() + "\nfrom flask import current_app  # the breach\n")

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    assert (
        "Flows and the sync never import Flask, the pages, the jobs or the sandbox BROKEN"
        in " ".join(result.stdout.split())
    )
    assert "webapp.portal.plans -> flask" in result.stdout
