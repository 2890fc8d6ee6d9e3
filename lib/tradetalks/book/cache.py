"""The page cache of the build: an executed notebook is reused only while nothing it depends on changed.

A page's key is a SHA-256 over everything that can change its outputs: the template's bytes, its
parameters, the files of the data package it reads, the lib code that runs inside a page's kernel
(:data:`PAGE_CODE`: not the build, PDF, CLI, test or benchmark code), and the versions of Python and
of the packages that shape outputs. (jupyter-cache keys only on code cells and the kernelspec, so a
changed CSV would be invisible to it; this key sees it.) Entries live outside git, under the build's
output folder; entries the last successful build did not use are pruned. An entry that cannot be
read as a notebook, or that holds an error or stderr output, is never used: it is discarded with a
warning and the page runs again.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..charts import image_cache
from ..data import declared_files
from ..paths import PACKAGE_DIR, resolve_data_dir

#: The lib code a page runs: what its notebook imports, and what the build runs in its kernel.
PAGE_CODE = ("__init__.py", "paths.py", "escaping.py", "data", "analysis", "report", "charts",
             "book/fresh_page.py", "book/__init__.py")
# Packages whose versions change what a page shows (charts, tables, outputs).
OUTPUT_PACKAGES = ("altair", "vl-convert-python", "pandas", "numpy", "papermill", "nbformat", "nbclient",
                   "ipykernel", "ipython")


def _hash_files(root: Path, paths) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def page_code_files() -> list[Path]:
    files = []
    for entry in PAGE_CODE:
        path = PACKAGE_DIR / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


@lru_cache(maxsize=1)
def environment_fingerprint() -> str:
    """The page code and the output-shaping package versions (fixed for the life of a process)."""
    h = hashlib.sha256(_hash_files(PACKAGE_DIR, page_code_files()).encode())
    h.update(sys.version.encode())
    for name in OUTPUT_PACKAGES:
        try:
            h.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none".encode())
    return h.hexdigest()


def data_fingerprint(data_dir) -> str:
    """The data package a page reads: its descriptor and the files it declares."""
    folder = resolve_data_dir(data_dir)
    return _hash_files(folder, declared_files(folder))


def page_key(template: Path, parameters: dict, data_fp: str) -> str:
    h = hashlib.sha256()
    h.update(Path(template).read_bytes())
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    h.update(data_fp.encode())
    h.update(environment_fingerprint().encode())
    return h.hexdigest()


def unfit_for_cache(notebook: Path) -> str | None:
    """Why an executed notebook must not be cached or reused (unreadable, an error, stderr), or None."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"it cannot be read as a notebook ({type(exc).__name__})"
    for cell in cells:
        for out in cell.get("outputs", []) if isinstance(cell, dict) else []:
            if out.get("output_type") == "error":
                return f"it holds an error output ({out.get('ename')})"
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                return "it holds stderr output"
    return None


class PageCache:
    """Executed notebooks by key, in ``folder``."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.warnings: list[str] = []

    @property
    def chart_images(self) -> Path:
        """The drawn chart images the pages' kernels share (:mod:`tradetalks.charts.image_cache`)."""
        return self.folder / "charts"

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.ipynb"

    def get(self, key: str) -> Path | None:
        path = self.path(key)
        if not path.is_file():
            return None
        problem = unfit_for_cache(path)
        if problem is not None:
            self.warnings.append(f"discarded the cached page {path.name}: {problem}; the page runs again")
            path.unlink(missing_ok=True)
            return None
        return path

    def put(self, key: str, notebook: Path) -> str | None:
        """Store ``notebook`` under ``key``; return why it was refused, or None."""
        problem = unfit_for_cache(notebook)
        if problem is not None:
            return problem
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.path(key).with_suffix(".tmp")
        shutil.copyfile(notebook, tmp)
        tmp.replace(self.path(key))  # atomic: a killed build never leaves half an entry
        return None

    def prune(self, keep: set[str]) -> None:
        """Remove the pages not in ``keep``, and all but the most recently used chart images."""
        if self.folder.is_dir():
            for entry in self.folder.iterdir():
                if entry.suffix in (".ipynb", ".tmp") and entry.stem not in keep:
                    entry.unlink(missing_ok=True)
        image_cache.prune(self.chart_images)
