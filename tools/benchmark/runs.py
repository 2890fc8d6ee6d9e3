"""Runs the benchmark measures, each in its own process with a time limit: a build of the book, and
Jupyter Book's own execution of the same notebooks."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradetalks.paths import BOOK_DIR, REPO_ROOT

_MARK = "@@TRADETALKS-BENCHMARK@@ "


def run_process(cmd: list[str], log: Path, timeout: float | None, cwd: Path) -> tuple[int | None, float]:
    """Run ``cmd`` with its output in ``log``; (exit code or None on timeout, wall seconds)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=cwd, start_new_session=True)
        try:
            code: int | None = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code = None
    return code, time.perf_counter() - start


@dataclass
class BuildRun:
    label: str
    ok: bool
    seconds: float | None = None   # the build() call, measured in its process
    error: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)  # <out>/build-stats.json


def child_build(spec: dict[str, Any]) -> int:
    """In a fresh process: one call of build(); its result on stdout."""
    from tradetalks.book.build import build

    t0 = time.perf_counter()
    result = build(spec["plan"], out=spec["out"], book_dir=spec["book_dir"], force=spec["force"], jobs=spec["jobs"])
    report = {"ok": isinstance(result, Path), "seconds": time.perf_counter() - t0, "result": str(result)}
    print(_MARK + json.dumps(report), flush=True)
    return 0 if report["ok"] else 1


def run_build(label: str, plan: Path, out: Path, *, force: bool, timeout: float | None, jobs: int | None,
              logs: Path) -> BuildRun:
    spec = {"plan": str(plan), "out": str(out), "book_dir": str(BOOK_DIR), "force": force, "jobs": jobs}
    log = logs / f"{label}.log"
    code, _wall = run_process([sys.executable, "-m", "tools.benchmark", "--child-build", json.dumps(spec)],
                              log, timeout, REPO_ROOT)
    text = log.read_text(encoding="utf-8", errors="replace")
    marks = [line for line in text.splitlines() if line.startswith(_MARK)]
    if code is None:
        return BuildRun(label, False, error=f"timed out after {timeout:.0f} s (stopped)")
    if not marks:
        return BuildRun(label, False, error="no result:\n" + "\n".join(text.splitlines()[-8:]))
    rep = json.loads(marks[-1][len(_MARK):])
    run = BuildRun(label, bool(rep["ok"]), rep["seconds"])
    if not run.ok:
        run.error = f"build returned {rep['result']}:\n" + "\n".join(text.splitlines()[-8:])
    stats = out / "build-stats.json"
    if stats.is_file():
        run.stats = json.loads(stats.read_text(encoding="utf-8"))
    return run


@dataclass
class JBRun:
    label: str
    ok: bool
    seconds: float
    executed: dict[str, float] = field(default_factory=dict)  # notebook -> seconds, as myst-nb logged it
    error: str | None = None


def stage_for_jupyter_book(target: Path, notebooks: Path, plan_path: Path, mode: str) -> Path:
    """The build's own staging, holding the built notebooks without outputs, with Jupyter Book's
    execution switched on (``execute_notebooks: mode``)."""
    import nbformat
    import yaml

    from tradetalks.book.execute import CELL_TIMEOUT
    from tradetalks.book.jupyterbook import GENERATED, toc_yaml
    from tradetalks.book.plan import expand_pages, load_plan
    from tradetalks.book.stage import stage_book, stage_data
    from tradetalks.paths import resolve_data_dir

    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    plan = load_plan(plan_path, root=REPO_ROOT)
    stage_book(BOOK_DIR, target)
    stage_data(resolve_data_dir(plan.defaults.get("data_dir"), root=REPO_ROOT), target)
    config = yaml.safe_load((BOOK_DIR / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {}).update(execute_notebooks=mode, timeout=CELL_TIMEOUT)
    (target / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    pages = expand_pages(plan.pages)
    (target / "_toc.yml").write_text(toc_yaml(pages), encoding="utf-8")
    (target / GENERATED).mkdir()
    for page in pages:
        nb = nbformat.read(str(notebooks / f"{page.name}.ipynb"), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, str(target / GENERATED / f"{page.name}.ipynb"))
    return target


_EXECUTED = re.compile(r"(?:^|/)([\w.-]+?)(?:\.ipynb)?:\s*Executed notebook in ([\d.]+) seconds", re.M)


def run_jupyter_book(label: str, source: Path, *, timeout: float | None, logs: Path) -> JBRun:
    from tradetalks.book.jupyterbook import jupyter_book_command

    code, wall = run_process(jupyter_book_command(source), logs / f"{label}.log", timeout, source)
    text = (logs / f"{label}.log").read_text(encoding="utf-8", errors="replace")
    run = JBRun(label, code == 0, wall, {m.group(1): float(m.group(2)) for m in _EXECUTED.finditer(text)})
    if code != 0:
        run.error = "timed out" if code is None else f"exit code {code}: " + "\n".join(text.splitlines()[-6:])
    return run
