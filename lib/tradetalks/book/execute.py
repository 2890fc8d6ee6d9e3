"""Executing the pages: one long-lived kernel per worker process, a fresh namespace per page.

Each worker process starts one IPython kernel, imports the heavy libraries once, and runs its pages
on it one after another; before each page :mod:`tradetalks.book.fresh_page` resets what a page could
leave behind. Parameters are injected with papermill's own ``parameterize_notebook`` and cells run with
nbclient, so executed notebooks look like papermill's.

Kernels talk to their worker over Unix sockets in a private folder (``ipc`` transport), so two
kernels' connections can never collide (TCP ports picked at the same moment by parallel workers
could). Workers are forked from the build's fork server (:mod:`.processes`) and end with the build process,
however it ends; a kernel ends with its worker (ipykernel's parent poller). A dead or hung kernel is
restarted and its page run once more.
"""
from __future__ import annotations

import concurrent.futures as cf
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import processes

KERNEL_NAME = "python3"
#: Seconds a single cell may run before the page fails.
CELL_TIMEOUT = 600
#: Seconds a kernel may take to start and answer.
START_TIMEOUT = 120
#: Times a page is run again on a restarted kernel after its kernel died or hung.
RETRIES = 1
#: Imported once per kernel, before any page: what every page imports anyway.
WARM_UP = (
    "import altair, pandas, vl_convert\n"
    "import tradetalks.report.common, tradetalks.charts\n"
    "from tradetalks.book import fresh_page as _fp\n"
    "_fp.snapshot()\n"
    "del _fp\n"
)


@dataclass
class PageResult:
    name: str
    ok: bool
    seconds: float = 0.0
    render_seconds: float = 0.0
    attempts: int = 1
    stderr: list[str] = field(default_factory=list)
    ename: str = ""
    evalue: str = ""
    cell_index: int | None = None
    source: str | None = None


@dataclass
class WorkerStats:
    pid: int
    kernel_start_seconds: float
    warm_up_seconds: float


class KernelError(RuntimeError):
    """The kernel could not be started or stopped answering."""


class PageKernel:
    """One kernel, reused for page after page."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.km: Any = None
        self.kc: Any = None
        self.start_seconds = 0.0
        self.warm_up_seconds = 0.0

    def start(self) -> None:
        from jupyter_client import KernelManager

        t0 = time.perf_counter()
        self.folder.mkdir(parents=True, exist_ok=True)
        km = KernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=str(self.folder / "kernel"),
                           connection_file=str(self.folder / "connection.json"))
        km.start_kernel(cwd=str(self.folder))
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=START_TIMEOUT)
        except RuntimeError as exc:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
            raise KernelError(f"the kernel did not start: {exc}") from None
        self.km, self.kc = km, kc
        t1 = time.perf_counter()
        self.run_silently(WARM_UP)
        self.start_seconds, self.warm_up_seconds = t1 - t0, time.perf_counter() - t1

    def stop(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=True)
            except Exception:  # already gone
                pass
            self.km.cleanup_resources()
        self.km = self.kc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def run_silently(self, code: str, timeout: float = START_TIMEOUT, expressions: dict | None = None) -> dict:
        """Run ``code`` without output or history; return the reply's user expressions."""
        msg_id = self.kc.execute(code, silent=True, store_history=False, user_expressions=expressions or {})
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise KernelError(f"the kernel did not answer within {timeout:.0f} s")
            try:
                reply = self.kc.get_shell_msg(timeout=remaining)
            except Exception:
                if not self.km.is_alive():
                    raise KernelError("the kernel died") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelError(f"{content.get('ename')}: {content.get('evalue')}")
        return content.get("user_expressions", {})

    def run_page(self, template: str, output: str, parameters: dict, cwd: str, timeout: int) -> float:
        """Execute one page into ``output``; return the seconds its charts took to render."""
        import nbformat
        from nbclient import NotebookClient
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        nb = parameterize_notebook(load_notebook_node(template), parameters)
        self.run_silently(f"__import__('tradetalks.book.fresh_page', fromlist=['prepare']).prepare({cwd!r})")
        client = NotebookClient(nb, km=self.km, timeout=timeout, kernel_name=KERNEL_NAME,
                                allow_errors=False, record_timing=False)
        client.kc = self.kc
        client.execute()
        got = self.run_silently("", expressions={
            "r": "__import__('tradetalks.charts.render', fromlist=['render']).take_render_seconds()"})
        nbformat.write(nb, output)
        try:
            return float(got["r"]["data"]["text/plain"])
        except (KeyError, TypeError, ValueError):
            return 0.0


# --------------------------------------------------------------------------- the worker processes
_kernel: PageKernel | None = None


def _worker_start(folder: str, environment: dict[str, str], builder: int) -> None:
    global _kernel
    processes.child_setup(environment, builder)
    _kernel = PageKernel(Path(folder) / f"worker-{os.getpid()}")
    from multiprocessing.util import Finalize

    # run as the worker ends (a forked process leaves by os._exit: atexit handlers would not run)
    Finalize(_kernel, _kernel.stop, exitpriority=10)


def _stderr_of(nb_path: str) -> list[str]:
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    return ["".join(out.get("text", "")) for cell in nb.cells if cell.cell_type == "code"
            for out in cell.get("outputs", []) if out.get("output_type") == "stream" and out.get("name") == "stderr"]


def _run_in_worker(name: str, template: str, output: str, parameters: dict, cwd: str,
                   timeout: int) -> tuple[PageResult, WorkerStats]:
    """Run one page on this worker's kernel (starting it if needed); never raises."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    assert _kernel is not None
    result = PageResult(name=name, ok=False)
    start = time.perf_counter()
    for attempt in range(1 + RETRIES):
        result.attempts = attempt + 1
        try:
            if _kernel.km is None or not _kernel.km.is_alive():
                _kernel.restart()
                start = time.perf_counter()  # a page's time is its own, not its kernel's start
            result.render_seconds = _kernel.run_page(template, output, parameters, cwd, timeout)
            result.ok = True
            result.stderr = _stderr_of(output)
            break
        except CellExecutionError as exc:  # the page's own error: running it again would not help
            result.ename, result.evalue = exc.ename or "Error", exc.evalue or _last_line(str(exc))
            result.cell_index, result.source = _failed_cell(template, parameters, exc)
            break
        except (CellTimeoutError, DeadKernelError, KernelError, RuntimeError, OSError) as exc:
            result.ename, result.evalue = type(exc).__name__, str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            try:
                _kernel.restart()
            except Exception as again:
                result.evalue += f"; restarting the kernel failed too: {again}"
                break
    result.seconds = time.perf_counter() - start
    stats = WorkerStats(os.getpid(), _kernel.start_seconds, _kernel.warm_up_seconds)
    return result, stats


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _failed_cell(template: str, parameters: dict, exc: Any) -> tuple[int | None, str | None]:
    """Which cell of the template failed: the error names the source it ran."""
    import nbformat

    text = str(exc)
    try:
        nb = nbformat.read(template, as_version=4)
    except Exception:
        return None, None
    code_cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    for i, cell in code_cells:
        if cell.source.strip() and cell.source.strip() in text:
            return i, cell.source
    return None, None


# --------------------------------------------------------------------------- the parent side
@dataclass
class Job:
    name: str
    template: Path
    output: Path
    parameters: dict


def run_pages(jobs: Sequence[Job], *, cwd: Path, workers: int, timeout: int = CELL_TIMEOUT,
              on_done: Callable[[PageResult], bool] | None = None,
              environment: dict[str, str] | None = None) -> tuple[list[PageResult], list[WorkerStats]]:
    """Execute ``jobs`` on ``workers`` kernels; ``on_done`` sees each result as it comes and returns
    False to stop the rest (e.g. after a failure). ``environment`` is added to the kernels' own."""
    results: list[PageResult] = []
    stats: dict[int, WorkerStats] = {}
    if not jobs:
        return results, []
    folder = Path(tempfile.mkdtemp(prefix="tradetalks-kernels-"))
    os.chmod(folder, 0o700)  # the kernels' sockets: this user only
    pool = cf.ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs))), mp_context=processes.context(),
                                  initializer=_worker_start,
                                  initargs=(str(folder), {**os.environ, **(environment or {})}, os.getpid()))
    try:
        futures = {pool.submit(_run_in_worker, j.name, str(j.template), str(j.output), j.parameters, str(cwd),
                               timeout): j for j in jobs}
        for fut in cf.as_completed(futures):
            job = futures[fut]
            try:
                result, worker = fut.result()
                stats[worker.pid] = worker
            except Exception as exc:  # the worker process itself died
                result = PageResult(job.name, False, ename=type(exc).__name__, evalue=str(exc))
            results.append(result)
            if on_done is not None and not on_done(result):
                for other in futures:
                    other.cancel()
                break
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(folder, ignore_errors=True)
    return results, list(stats.values())
