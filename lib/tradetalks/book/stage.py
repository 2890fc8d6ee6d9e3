"""The staging folder a build works in: a copy of the book's source, the chart bundle, and the data
files the data package declares. Nothing published is touched until the build succeeds."""
from __future__ import annotations

import shutil
from pathlib import Path

from ..charts.bundle import write_vega_bundle
from ..data import declared_files

#: Files of the book's folder the site is built from (anything else there, e.g. plan.yml, is not published).
BOOK_FILES = ("_config.yml",)
BOOK_FOLDERS = ("_static", "_templates")
#: Where the data files are published inside the site.
DATA_URL = "_static/data"


def book_inputs(book_dir: Path) -> list[Path]:
    """Every file of the book's source that the staged book is made from."""
    files = [book_dir / name for name in BOOK_FILES]
    for folder in BOOK_FOLDERS:
        if (book_dir / folder).is_dir():
            files += sorted(p for p in (book_dir / folder).rglob("*") if p.is_file())
    return files + sorted(book_dir.glob("*.md"))


def stage_book(book_dir: Path, staging: Path) -> None:
    """Copy the book's source into ``staging`` and write the chart bundle into its ``_static``."""
    for source in book_inputs(book_dir):
        target = staging / source.relative_to(book_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    write_vega_bundle(staging / "_static")


def stage_data(data_dir: Path, staging: Path) -> list[str]:
    """Publish the data package (``datapackage.json`` and the files its resources declare, nothing
    else) under ``_static/data``; return the names written. The folder has been validated, which
    refuses symlinks and special files."""
    target = staging / DATA_URL
    target.mkdir(parents=True, exist_ok=True)
    names = []
    for source in declared_files(data_dir):
        shutil.copyfile(source, target / source.name)
        names.append(source.name)
    return names
