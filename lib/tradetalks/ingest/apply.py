"""``ingest --apply``: add a review's accepted rows (and the article's source row) to the data folder.

All or nothing: the new files are written to a temporary copy of the folder and validated there with
:func:`tradetalks.data.load_dataset`; only when the copy is valid are the changed files swapped in
(each by an atomic rename; if a rename fails, the files already swapped are restored byte for byte).
Rows whose primary key is already in the data are skipped and reported, so applying twice adds nothing.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

from ..data import DataValidationError, load_dataset
from ..data.files import DataFileError, declared_files, read_regular_file
from .errors import IngestError
from .review import AcceptedRow, read_review, source_values


def _target(data_dir: Path, name: str) -> Path:
    """The data file for a table, refused unless it is a plain file directly inside the data folder."""
    path = data_dir / name
    if path.is_symlink() or path.resolve().parent != data_dir.resolve() or Path(name).name != name:
        raise IngestError(f"refusing to write {path}: not a plain file inside the data folder {data_dir}")
    return path


def _problems(exc: DataValidationError) -> str:
    return "\n".join(f"  - {p}" for p in exc.problems)


def _load_valid(data_dir: Path):
    try:
        return load_dataset(data_dir)
    except DataValidationError as exc:
        raise IngestError(f"the data folder {data_dir} is not valid before applying; nothing was written. "
                          f"Fix these first:\n{_problems(exc)}", 1) from None


def _plan(data_dir: Path, schema, rows: list[AcceptedRow]):
    """(new bytes per changed file, original bytes, added rows, skipped rows with the reason)."""
    originals, texts, headers, keys = {}, {}, {}, {}
    added: list[AcceptedRow] = []
    skipped: list[tuple[AcceptedRow, str]] = []
    pending: dict[str, list[AcceptedRow]] = {}
    for row in rows:
        res = schema.resource(row.table)
        if row.table not in texts:
            path = _target(data_dir, res.path)
            try:
                raw = read_regular_file(path)
                text = raw.decode("utf-8")
                records = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
            except (DataFileError, UnicodeDecodeError, csv.Error) as exc:
                raise IngestError(f"cannot read {path}: {exc}", 1) from None
            originals[row.table], texts[row.table] = raw, text
            headers[row.table] = [h.strip() for h in records[0]]
            pk = [headers[row.table].index(c) for c in res.primary_key]
            keys[row.table] = {tuple(r[i] for i in pk) for r in records[1:] if len(r) == len(headers[row.table])}
        key = tuple(row.values.get(c, "") for c in res.primary_key)
        if key in keys[row.table]:
            skipped.append((row, f"{row.table} already has {', '.join(res.primary_key)} = {', '.join(key)}"))
            continue
        keys[row.table].add(key)
        added.append(row)
        pending.setdefault(row.table, []).append(row)
    new: dict[str, bytes] = {}
    for table, table_rows in pending.items():
        text = texts[table]
        newline = "\r\n" if "\r\n" in text else "\n"
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
        for row in table_rows:
            writer.writerow([row.values.get(c, "") for c in headers[table]])
        joiner = "" if not text or text.endswith(("\n", "\r")) else newline
        new[table] = (text + joiner + buf.getvalue()).encode("utf-8")
    return new, originals, added, skipped


def _validate_copy(data_dir: Path, schema, new: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory(prefix="tradetalks-ingest-") as tmp:
        for path in declared_files(data_dir):
            if path.is_file():
                shutil.copyfile(path, Path(tmp) / path.name)
        for table, content in new.items():
            (Path(tmp) / schema.resource(table).path).write_bytes(content)
        try:
            load_dataset(tmp)
        except DataValidationError as exc:
            raise IngestError("the accepted rows would make the data invalid, so nothing was written "
                              f"(every file is unchanged):\n{_problems(exc)}", 1) from None


def _swap(data_dir: Path, schema, new: dict[str, bytes], originals: dict[str, bytes]) -> None:
    done: list[Path] = []
    try:
        for table, content in new.items():
            path = _target(data_dir, schema.resource(table).path)
            tmp = path.with_name(f".{path.name}.ingest-tmp")
            tmp.write_bytes(content)
            shutil.copymode(path, tmp)
            os.replace(tmp, path)
            done.append(path)
    except OSError as exc:
        for table in new:
            path = data_dir / schema.resource(table).path
            path.with_name(f".{path.name}.ingest-tmp").unlink(missing_ok=True)
        for path in done:
            table = next(t for t in new if schema.resource(t).path == path.name)
            path.write_bytes(originals[table])
        raise IngestError(f"could not write {exc.filename or data_dir}: {exc.strerror}; every file was restored", 1) from None


def apply_review(review_path: Path, data_dir: Path) -> int:
    """Apply a review file to ``data_dir``; prints what was added and skipped. Returns the exit status."""
    if not data_dir.is_dir():
        raise IngestError(f"data folder not found: {data_dir}")
    ds = _load_valid(data_dir)
    schema = ds.schema
    doc, accepted, left_out = read_review(review_path, {r.name: r.field_names for r in schema.resources})
    written_for = str(doc.get("data_dir") or "")
    if written_for and Path(written_for).resolve() != data_dir.resolve():
        print(f"Note: the review was written against {written_for}; applying it to {data_dir}.")
    if not accepted:
        print(f"No row is marked accept in {review_path}: nothing added ({left_out} pending or rejected).")
        return 0
    source = AcceptedRow(0, "sources", source_values(doc, schema.resource("sources").field_names))
    new, originals, added, skipped = _plan(data_dir, schema, [source] + accepted)
    if new:
        _validate_copy(data_dir, schema, new)
        _swap(data_dir, schema, new, originals)
    counts: dict[str, int] = {}
    for row in added:
        counts[row.table] = counts.get(row.table, 0) + 1
    if added:
        print(f"Added {len(added)} row{'s' if len(added) != 1 else ''} to {data_dir}: "
              + ", ".join(f"{t} {n}" for t, n in counts.items()) + ".")
    else:
        print(f"Nothing added to {data_dir}: every accepted row is already there.")
    for row, reason in skipped:
        label = "source" if row.n == 0 else f"row {row.n}"
        print(f"Skipped {label}: {reason} (already present).")
    print(f"Left out {left_out} row{'s' if left_out != 1 else ''} not marked accept.")
    if added:
        print("The data folder validates with the new rows.")
    return 0
