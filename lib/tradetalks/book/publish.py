"""Publishing a finished build: one build per output folder at a time, leftovers of killed builds
removed, and the new site swapped in only when everything succeeded."""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

#: Prefix of the staging folders a build makes inside its output folder.
STAGING_PREFIX = "staging-"
LOCK_FILE = ".build.lock"


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """One build per output folder at a time (released automatically if the build dies)."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK_FILE, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Another build is running in {out}; waiting for it ...", flush=True)
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def remove_leftovers(out: Path) -> list[Path]:
    """Delete what killed builds left in ``out`` (staging folders, half-swapped sites). Call it while
    holding :func:`build_lock`: no other build can be using them then."""
    removed = []
    for entry in sorted(out.iterdir()) if out.is_dir() else []:
        if entry.is_dir() and not entry.is_symlink() and (
                entry.name.startswith(STAGING_PREFIX) or ".old-" in entry.name or ".failed-" in entry.name):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def publish(pairs: Sequence[tuple[Path, Path]]) -> None:
    """Move each new folder into place; the old one is renamed aside first, then deleted.

    If anything fails, the folders already swapped are swapped back.
    """
    token = f"{os.getpid()}-{time.time_ns()}"
    swapped: list[tuple[Path, Path | None]] = []
    try:
        for new, final in pairs:
            old: Path | None = None
            if final.exists():
                old = final.with_name(f".{final.name}.old-{token}")
                final.rename(old)
            try:
                new.rename(final)
            except BaseException:
                if old is not None:
                    old.rename(final)
                raise
            swapped.append((final, old))
    except BaseException:
        for final, old in reversed(swapped):
            with contextlib.suppress(OSError):
                aside = final.with_name(f".{final.name}.failed-{token}")
                final.rename(aside)
                if old is not None:
                    old.rename(final)
                shutil.rmtree(aside, ignore_errors=True)
        raise
    for _final, old in swapped:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
