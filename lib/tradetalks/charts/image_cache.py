"""Drawn chart images by what they depend on, shared between processes through a folder.

Drawing a chart's static image costs vl-convert's start (about a second in every new process) and the
drawing itself. When ``TRADETALKS_CHART_CACHE`` names a folder, an image is drawn once per key and read
back afterwards. The build names ``<out>/cache/charts`` for its kernels, so a page executed again (its
template, parameters or data changed) draws only the charts whose specification changed; ``make test``
names the book's, so strict nbval, which executes every published notebook again, reads the images the
build drew (that vl-convert draws a specification to the same bytes in any process is tested on its
own). The key is everything an image depends on: the static specification, the Vega-Lite version, the
scale, the vl-convert version and the code that makes the image small. Unset, every image is drawn.
"""
from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from ..files import write_whole
from . import png

ENV = "TRADETALKS_CHART_CACHE"
#: Images kept in a folder; the least recently used go first beyond this.
MAX_ENTRIES = 1000


def folder() -> Path | None:
    value = os.environ.get(ENV)
    return Path(value) if value else None


@functools.lru_cache(maxsize=1)
def _drawing_code() -> str:
    import vl_convert

    return f"{vl_convert.__version__}:{hashlib.sha256(Path(png.__file__).read_bytes()).hexdigest()}"


def key(canonical_spec: str, vl_version: str, scale: float) -> str:
    """The key of the image of a static specification (its canonical JSON)."""
    text = "\0".join([canonical_spec, vl_version, repr(float(scale)), _drawing_code()])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def get(where: Path, image_key: str) -> bytes | None:
    """The image stored under ``image_key`` (marked as used), or None."""
    path = where / f"{image_key}.png"
    try:
        data = path.read_bytes()
        os.utime(path)
    except OSError:
        return None
    return data if data.startswith(b"\x89PNG") else None


def put(where: Path, image_key: str, image: bytes) -> None:
    """Store ``image`` (whole or not at all); a folder that cannot be written is left alone."""
    try:
        where.mkdir(parents=True, exist_ok=True)
        write_whole(where / f"{image_key}.png", image)
    except OSError:
        pass


def prune(where: Path, keep: int = MAX_ENTRIES) -> int:
    """Remove all but the ``keep`` most recently used images; return how many went."""
    try:
        entries = sorted(where.glob("*.png"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    except OSError:
        return 0
    removed = 0
    for path in entries[keep:]:
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed
