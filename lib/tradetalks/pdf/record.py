"""Whether a PDF is still the print of its site: a record beside it, keyed by everything printed.

``make book`` prints the book after every build, and printing takes 15-25 s. A print leaves
``<pdf name>.print.json`` beside the PDF: the key of what it was printed from and what the print
reported (:class:`~.printer.PrintResult`). When the key still matches -- the site's files, the plan,
the book's ``_config.yml``, the print stylesheet, this package's code and the Chromium binary are the
same -- the PDF is kept and its record stands for the print.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from ..book.plan import Plan
from ..files import write_whole
from .printer import PrintResult
from .site import STYLESHEET

RECORD_SUFFIX = ".print.json"
#: Changes whenever what a record holds changes shape.
RECORD_FORMAT = 1


def record_path(pdf: Path) -> Path:
    """``book.pdf`` -> ``book.print.json``."""
    return pdf.with_name(pdf.stem + RECORD_SUFFIX)


def _hash_file(digest, label: str, path: Path) -> None:
    digest.update(f"{label}\0".encode())
    try:
        digest.update(path.read_bytes())
    except OSError:
        digest.update(b"<missing>")
    digest.update(b"\0")


def print_key(site: Path, plan: Plan, pdf_name: str, chromium: str) -> str:
    """The key of a print of ``site``: every file of the site (but the copy of the PDF the export puts
    there), the plan, the book's configuration, the stylesheet, the PDF code and the Chromium binary."""
    digest = hashlib.sha256(f"format {RECORD_FORMAT}\0".encode())
    skip = Path("_static") / pdf_name
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        relative = path.relative_to(site)
        if relative != skip:
            _hash_file(digest, f"site/{relative.as_posix()}", path)
    _hash_file(digest, "plan", plan.path)
    _hash_file(digest, "config", plan.path.parent / "_config.yml")
    _hash_file(digest, "stylesheet", STYLESHEET)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        _hash_file(digest, f"code/{path.name}", path)
    try:
        stat = Path(chromium).resolve().stat()
        digest.update(f"chromium\0{Path(chromium).resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    except OSError:
        digest.update(f"chromium\0{chromium}".encode())
    return digest.hexdigest()


def write_record(result: PrintResult, key: str) -> None:
    """Leave the record of ``result`` beside its PDF (written whole or not at all)."""
    fields = dataclasses.asdict(result)
    fields["path"], fields["kept"] = result.path.name, False
    write_whole(record_path(result.path), (json.dumps({"key": key, "result": fields}, indent=1) + "\n").encode("utf-8"))


class RecordError(Exception):
    """A record beside the PDF that cannot be read (damaged, or not written by this tool)."""


def _unreadable(path: Path, reason: str) -> str:
    return f"the print record {path} cannot be read ({reason})"


def still_printed(pdf: Path, key: str) -> PrintResult | None:
    """The recorded print of ``pdf`` if it was printed from what ``key`` stands for and is unchanged, else
    None (no record, or the PDF is stale); :class:`RecordError` if the record cannot be read."""
    path = record_path(pdf)
    try:
        text = path.read_text(encoding="utf-8")
        size = pdf.stat().st_size
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(_unreadable(path, str(exc))) from None
    try:
        record = json.loads(text)
    except ValueError:
        raise RecordError(_unreadable(path, "not JSON")) from None
    if not isinstance(record, dict) or not isinstance(record.get("result"), dict):
        raise RecordError(_unreadable(path, "not a print record"))
    if record.get("key") != key:
        return None
    fields = dict(record["result"])
    if fields.get("path") != pdf.name or fields.get("size") != size:
        return None
    fields["path"], fields["kept"] = pdf, True
    fields["toc"] = [tuple(entry) for entry in fields.get("toc", [])]
    try:
        return PrintResult(**fields)
    except TypeError:
        raise RecordError(_unreadable(path, "a record of another shape")) from None
