"""The build's child processes (page workers, Jupyter Book) come from one fork server.

The fork server is started once per build process, imports what every child needs once, and forks
each child from there: a child starts in milliseconds instead of a fresh interpreter's second of
imports (Jupyter Book's Sphinx extensions alone take ~2 s). A single ``tradetalks build`` gains little;
a process that builds again and again -- the test suite, a notebook calling ``build()`` -- pays the
imports once. :func:`start` is called as soon as a build knows it has work, so the server's imports
run beside the staging.

A forked child inherits the server's environment, not its builder's: :func:`child_setup` gives it the
builder's environment of the moment, and ends the child as soon as the build process is gone, however
it ended (killed too). Its parent is the fork server, which cannot tell: the server stays up while any
child holds its "alive" pipe, so the child watches the build process itself.
"""
from __future__ import annotations

import concurrent.futures as cf
import ctypes
import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Imported by the fork server once: the page workers' and Jupyter Book's own imports.
PRELOAD = [
    "tradetalks.book.execute", "jupyter_client", "nbclient", "nbformat", "papermill.iorw",
    "papermill.parameterize",
    "jupyter_book.cli.main", "jupyter_book.sphinx", "sphinx.application", "sphinx.builders.html",
    "myst_nb.sphinx_ext", "sphinx_book_theme", "pydata_sphinx_theme",
]


def map_in_children(function: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[function(item) for item in items]``, shared out among ``workers`` children when there are several
    (a module-level ``function``; an exception in a child is raised here)."""
    if workers <= 1 or len(items) < 2:
        return [function(item) for item in items]
    workers = min(workers, len(items))
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context(), initializer=child_setup,
                                initargs=(dict(os.environ), os.getpid())) as pool:
        return list(pool.map(function, items, chunksize=max(1, len(items) // (workers * 4))))


def context() -> multiprocessing.context.BaseContext:
    """The multiprocessing context of every child of a build (a fresh interpreter each where the system
    has no fork server, e.g. Windows)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start() -> None:
    """Start the fork server now (its imports run while the caller goes on); a no-op once running."""
    from multiprocessing import forkserver

    if context().get_start_method() == "forkserver":
        forkserver.ensure_running()


def _die_with_parent() -> None:
    """Ask Linux to end this process when its parent (the fork server) ends."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        # PR_SET_PDEATHSIG with SIGKILL: nothing can catch it (nbclient installs its own SIGTERM handler,
        # which shuts the kernel down but does not end the worker)
        libc.prctl(1, signal.SIGKILL)
    except OSError:  # not Linux
        pass


def _end_with(builder: int) -> None:
    """End this process (at once, like a kill) when process ``builder`` ends; a worker's kernel then sees its
    parent gone (ipykernel's parent poller) and exits within a second."""
    try:
        handle = os.pidfd_open(builder)  # readable once the process has ended (Linux 5.3+)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        handle = None

    def watch() -> None:
        if handle is not None:
            select.select([handle], [], [])
        else:
            while True:
                try:
                    os.kill(builder, 0)
                except ProcessLookupError:
                    break
                except PermissionError:
                    pass
                time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-the-build", daemon=True).start()


def child_setup(environment: dict[str, str], builder: int) -> None:
    """First thing in a child: its builder's environment, and its end with the builder's (or the server's)."""
    _die_with_parent()
    _end_with(builder)
    os.environ.clear()
    os.environ.update(environment)
