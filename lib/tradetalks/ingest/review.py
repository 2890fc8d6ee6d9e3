"""The review file: what ``ingest`` proposes, written as YAML for a person to mark accept or reject, and
read back (checked) by ``ingest --apply``."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from .errors import IngestError

MARKER = "ingest_review"
FORMAT = 1
TOOL = "tradetalks ingest"
DECISIONS = ("pending", "accept", "reject")
HOW_TO = ("Set each row's decision to accept or reject (pending rows are left out) and edit its fields where needed; "
          "then run: tradetalks ingest --apply THIS_FILE [--data DIR]. The source row is added with the accepted rows. "
          "Rows with a conflict contradict the record: read the conflict before accepting; the proposed discrepancies "
          "row records the disagreement.")


@dataclass
class Proposal:
    """One proposed row: its table, its fields (all of the table's columns, None where unknown), where it
    came from and how sure the tool is."""
    table: str
    fields: dict[str, Any]
    confidence: str
    sentence: str | None = None
    why: str | None = None
    date_reasoning: str | None = None
    conflict: dict[str, Any] | None = None
    todo: str | None = None

    def as_yaml(self, n: int) -> dict[str, Any]:
        out: dict[str, Any] = {"n": n, "table": self.table, "decision": "pending", "confidence": self.confidence}
        for key in ("sentence", "why", "date_reasoning", "conflict", "todo"):
            value = getattr(self, key)
            if value:
                out[key] = value
        out["fields"] = dict(self.fields)
        return out


@dataclass
class Review:
    """Everything one run of ``ingest`` found in an article."""
    article: Path
    article_sha256: str
    published: date
    published_how: str
    source: dict[str, Any]
    source_recorded: bool
    data_dir: Path
    dates: list[dict[str, Any]] = field(default_factory=list)
    names: list[dict[str, Any]] = field(default_factory=list)
    recorded_matches: list[dict[str, Any]] = field(default_factory=list)
    recorded_statements: list[dict[str, Any]] = field(default_factory=list)
    rows: list[Proposal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def conflicts(self) -> list[Proposal]:
        return [p for p in self.rows if p.conflict]

    def counts(self) -> dict[str, int]:
        by_table: dict[str, int] = {}
        for p in self.rows:
            by_table[p.table] = by_table.get(p.table, 0) + 1
        return by_table

    def as_yaml(self) -> dict[str, Any]:
        unresolved = [d for d in self.dates if d["precision"] == "ambiguous"]
        return {
            MARKER: FORMAT, "tool": TOOL, "how_to_review": HOW_TO,
            "article": str(self.article), "article_sha256": self.article_sha256,
            "published": self.published.isoformat(), "published_from": self.published_how,
            "data_dir": str(self.data_dir),
            "summary": {"rows": len(self.rows), "by_table": self.counts(), "conflicts": len(self.conflicts()),
                        "date_phrases": len(self.dates), "ambiguous_dates": len(unresolved)},
            "notes": self.notes,
            "source": {"table": "sources", "already_recorded": self.source_recorded, "fields": dict(self.source)},
            "dates": self.dates, "names": self.names, "recorded_events": self.recorded_matches,
            "recorded_statements": self.recorded_statements,
            "rows": [p.as_yaml(i + 1) for i, p in enumerate(self.rows)],
        }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_review(review: Review, out: Path) -> None:
    text = yaml.safe_dump(review.as_yaml(), sort_keys=False, allow_unicode=True, width=120, default_flow_style=False)
    header = "# Review file written by `tradetalks ingest`: mark each row's decision accept or reject, then apply it.\n"
    out.write_text(header + text, encoding="utf-8")


def _plain(value: Any) -> Any:
    """YAML values back to the text the CSVs hold (dates as YYYY-MM-DD, booleans as true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    if isinstance(value, (int, float, str)):
        return str(value)
    raise IngestError(f"a field value must be text, a number, a date or empty, not {type(value).__name__} ({value!r})")


@dataclass
class AcceptedRow:
    n: int
    table: str
    values: dict[str, str]


def read_review(path: Path, table_fields: dict[str, list[str]]) -> tuple[dict[str, Any], list[AcceptedRow], int]:
    """(the review, its accepted rows with their values as CSV text, number of rows left out); raises
    :class:`IngestError` for anything that is not a well-formed review file written by ingest."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise IngestError(f"review file not found: {path}") from None
    except IsADirectoryError:
        raise IngestError(f"{path} is a folder, not a review file") from None
    except OSError as exc:
        raise IngestError(f"cannot read the review file {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{path} is not UTF-8 text (byte {exc.start})") from None
    try:
        doc = yaml.safe_load(text)
    except ValueError as exc:  # e.g. an impossible date written unquoted: 2025-02-30
        raise IngestError(f"{path} has a value YAML cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise IngestError(f"{path} is not valid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(doc, dict) or doc.get(MARKER) != FORMAT or doc.get("tool") != TOOL:
        raise IngestError(f"{path} is not a review file written by tradetalks ingest (no '{MARKER}: {FORMAT}' marker)")
    source = doc.get("source")
    if not isinstance(source, dict) or not isinstance(source.get("fields"), dict):
        raise IngestError(f"{path}: the review has no 'source' with its fields")
    rows = doc.get("rows")
    if not isinstance(rows, list):
        raise IngestError(f"{path}: 'rows' must be a list of proposed rows")
    accepted, left_out = [], 0
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise IngestError(f"{path}: row {i} is not a mapping with table, decision and fields")
        n = row.get("n", i)
        table, decision, values = row.get("table"), row.get("decision"), row.get("fields")
        if table not in table_fields:
            raise IngestError(f"{path}: row {n}: unknown table {table!r} (tables: {', '.join(table_fields)})")
        if decision not in DECISIONS:
            raise IngestError(f"{path}: row {n}: decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
        for key in ("path", "file"):
            if key in row:
                raise IngestError(f"{path}: row {n}: names a file ({row[key]!r}); rows may only name a table of the data folder")
        if not isinstance(values, dict):
            raise IngestError(f"{path}: row {n}: 'fields' must be a mapping of column to value")
        unknown = [k for k in values if k not in table_fields[table]]
        if unknown:
            raise IngestError(f"{path}: row {n}: {table} has no column {', '.join(map(repr, unknown))}")
        if decision != "accept":
            left_out += 1
            continue
        try:
            accepted.append(AcceptedRow(n, table, {k: _plain(values.get(k)) for k in table_fields[table]}))
        except IngestError as exc:
            raise IngestError(f"{path}: row {n}: {exc}") from None
    unknown = [k for k in source["fields"] if k not in table_fields["sources"]]
    if unknown:
        raise IngestError(f"{path}: source: sources has no column {', '.join(map(repr, unknown))}")
    return doc, accepted, left_out


def source_values(doc: dict[str, Any], columns: list[str]) -> dict[str, str]:
    """The review's source row as CSV text."""
    try:
        return {k: _plain(doc["source"]["fields"].get(k)) for k in columns}
    except IngestError as exc:
        raise IngestError(f"source: {exc}") from None
