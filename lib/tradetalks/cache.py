"""The page cache of the build: an executed notebook is reused only while nothing it depends on changed.

A page's key is a SHA-256 over everything that can change its outputs: the template's bytes, its
parameters, every file of its data folder, the lib's source code, and the versions of Python and of
the packages that shape outputs. (jupyter-cache keys only on code cells and the kernelspec, so a
changed CSV would be invisible to it; this key sees it.) Entries live outside git, under the build's
output folder, and entries the last successful build did not use are pruned.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .paths import resolve_data_dir

PACKAGE_DIR = Path(__file__).resolve().parent
# Packages whose versions change what a page shows (charts, tables, outputs).
OUTPUT_PACKAGES = ("altair", "vl-convert-python", "pandas", "numpy", "papermill", "nbformat", "ipykernel", "ipython")


def _hash_files(paths) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def environment_fingerprint() -> str:
    """The lib's code and the output-shaping package versions (fixed for the life of a process)."""
    h = hashlib.sha256(_hash_files(PACKAGE_DIR.glob("*.py")).encode())
    h.update(sys.version.encode())
    for name in OUTPUT_PACKAGES:
        try:
            h.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none".encode())
    return h.hexdigest()


def data_fingerprint(data_dir) -> str:
    folder = resolve_data_dir(data_dir)
    return _hash_files(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else "missing"


def page_key(template: Path, parameters: dict, data_fp: str) -> str:
    h = hashlib.sha256()
    h.update(Path(template).read_bytes())
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    h.update(data_fp.encode())
    h.update(environment_fingerprint().encode())
    return h.hexdigest()


class PageCache:
    """Executed notebooks by key, in ``folder``."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.ipynb"

    def get(self, key: str) -> Path | None:
        path = self.path(key)
        return path if path.is_file() else None

    def put(self, key: str, notebook: Path) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.path(key).with_suffix(".tmp")
        shutil.copy2(notebook, tmp)
        tmp.replace(self.path(key))  # atomic: a killed build never leaves half an entry

    def prune(self, keep: set[str]) -> None:
        if self.folder.is_dir():
            for entry in self.folder.glob("*.ipynb"):
                if entry.stem not in keep:
                    entry.unlink()
