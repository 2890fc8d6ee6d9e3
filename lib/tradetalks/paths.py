"""Where the repository's folders are, wherever the caller's working directory is."""
from __future__ import annotations

import os
from pathlib import Path

# lib/tradetalks/paths.py -> the repository root is two folders up from the package.
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = REPO_ROOT / "data"
BOOK_DIR = REPO_ROOT / "book"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The data folder to use: the given one, or the repository's ``data/`` when empty."""
    if data_dir is None or str(data_dir).strip() == "":
        return DEFAULT_DATA_DIR
    path = Path(data_dir).expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    return path
