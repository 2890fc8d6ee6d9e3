"""Where the repository's folders are, wherever the caller's working directory is.

The one definition of every path and default the package uses; nothing else spells them out.
"""
from __future__ import annotations

import os
from pathlib import Path

#: lib/tradetalks/paths.py -> the repository root is two folders up from the package.
PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parents[1]
DEFAULT_DATA_DIR = REPO_ROOT / "data"
BOOK_DIR = REPO_ROOT / "book"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
DEFAULT_PLAN = BOOK_DIR / "plan.yml"
#: Output root of the main book: html/, notebooks/, cache/, pdf/ go under it.
BUILD_DIR = BOOK_DIR / "_build"
STYLESHEET = BOOK_DIR / "_static" / "tradetalks.css"
REQUIREMENTS = REPO_ROOT / "requirements.txt"


def resolve_data_dir(data_dir: str | os.PathLike | None = None, *, root: Path | None = None) -> Path:
    """The data folder to use: the given one (relative to ``root``, default the working directory),
    or the repository's ``data/`` when empty."""
    if data_dir is None or str(data_dir).strip() == "":
        return DEFAULT_DATA_DIR
    path = Path(data_dir).expanduser()
    if not path.is_absolute():
        path = (root or Path.cwd()) / path
    return path
