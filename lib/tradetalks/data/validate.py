"""Validation of a data folder against its ``datapackage.json`` and the rules a schema can't express.

Every problem is collected (never just the first) and reported with file, line, column, value and
what was expected. ``check_folder`` returns the raw tables only when there is no problem at all, so
the loader can never half-load.
"""
from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .files import DataFileError, read_descriptor, read_regular_file
from .schema import PackageSchema, Resource, parse_descriptor

TRUE_VALUES = {"true"}
FALSE_VALUES = {"false"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data. ``line`` is the 1-based line in the file (the header is line 1)."""
    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column '{self.column}'"
        if self.value is not None:
            return f"{where}: value {self.value!r}: expected {self.expected}"
        return f"{where}: expected {self.expected}"


class DataValidationError(Exception):
    """Raised with every problem found in a data folder; nothing is loaded when it is raised."""

    def __init__(self, problems: list[Problem], data_dir: Path | None = None):
        self.problems = list(problems)
        self.data_dir = data_dir
        head = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} in data folder {data_dir}"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


@dataclass
class RawTable:
    """A CSV file read as text: rows are dicts of column -> string, with their line numbers."""
    resource: Resource
    rows: list[dict[str, str]]
    lines: list[int]


# ---------------------------------------------------------------------------- reading

def _read_csv(path: Path, resource: Resource, problems: list[Problem]) -> RawTable | None:
    name = path.name
    try:
        data = read_regular_file(path)
    except DataFileError as exc:
        problems.append(Problem(name, None, None, None, f"{exc.expected} (the file of table '{resource.name}')"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(name, line, None, repr(data[exc.start: exc.start + 4])[2:-1],
                                f"UTF-8 text (byte {exc.start} is not valid UTF-8; save the file as UTF-8)"))
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            records.append((reader.line_num, row))
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, None, None, f"well-formed CSV ({exc}; check for an unclosed quote)"))
        return None
    if not records:
        problems.append(Problem(name, 1, None, None, "a header row naming the columns " + ", ".join(resource.field_names)))
        return None
    header = [h.strip() for h in records[0][1]]
    ok = True
    for column in resource.field_names:
        if column not in header:
            problems.append(Problem(name, 1, column, None, f"a column named '{column}' in the header ({resource.field(column).description})"))
            ok = False
    for column in header:
        if column not in resource.field_names:
            problems.append(Problem(name, 1, column, None, "only the columns " + ", ".join(resource.field_names)))
            ok = False
    seen = set()
    for column in header:
        if column in seen:
            problems.append(Problem(name, 1, column, None, "each column once in the header"))
            ok = False
        seen.add(column)
    if not ok:
        return None
    rows, lines = [], []
    # csv line_num is the line where the record ends; a record starts one line after the previous ended.
    previous_end = records[0][0]
    for end_line, values in records[1:]:
        start_line = previous_end + 1
        previous_end = end_line
        if not values or all(v == "" for v in values) and len(values) <= 1:
            continue  # blank line
        if len(values) != len(header):
            problems.append(Problem(name, start_line, None, None,
                                    f"{len(header)} fields as in the header, found {len(values)} (check quoting and commas)"))
            continue
        rows.append(dict(zip(header, values)))
        lines.append(start_line)
    return RawTable(resource, rows, lines)


# ---------------------------------------------------------------------------- cell checks

def _check_cell(file: str, line: int, field, value: str, problems: list[Problem]) -> None:
    if value == "":
        if field.required:
            problems.append(Problem(file, line, field.name, value, f"a value (the column is required: {field.description})"))
        return
    if field.type == "date":
        try:
            date.fromisoformat(value)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
        except ValueError:
            problems.append(Problem(file, line, field.name, value, "a calendar date written YYYY-MM-DD"))
            return
    elif field.type == "boolean":
        if value not in TRUE_VALUES | FALSE_VALUES:
            problems.append(Problem(file, line, field.name, value, "true or false"))
            return
    elif field.type in ("number", "integer"):
        try:
            number = int(value) if field.type == "integer" else float(value)
        except ValueError:
            problems.append(Problem(file, line, field.name, value, "an integer" if field.type == "integer" else "a number"))
            return
        if field.minimum is not None and number < field.minimum:
            problems.append(Problem(file, line, field.name, value, f"a number >= {field.minimum}"))
        if field.maximum is not None and number > field.maximum:
            problems.append(Problem(file, line, field.name, value, f"a number <= {field.maximum}"))
    if field.enum is not None and value not in field.enum:
        problems.append(Problem(file, line, field.name, value, "one of " + ", ".join(field.enum)))
    if field.pattern is not None and not re.fullmatch(field.pattern, value):
        problems.append(Problem(file, line, field.name, value, f"text matching the pattern {field.pattern}"))


def _check_table(table: RawTable, problems: list[Problem]) -> None:
    res = table.resource
    file = res.path
    for row, line in zip(table.rows, table.lines):
        for f in res.fields:
            _check_cell(file, line, f, row[f.name], problems)
    # unique fields and primary key
    keys: list[tuple[str, ...]] = [(f.name,) for f in res.fields if f.unique]
    if res.primary_key and tuple(res.primary_key) not in keys:
        keys.append(tuple(res.primary_key))
    for key in keys:
        first_seen: dict[tuple, int] = {}
        for row, line in zip(table.rows, table.lines):
            value = tuple(row[k] for k in key)
            if all(v == "" for v in value):
                continue
            if value in first_seen:
                problems.append(Problem(file, line, "+".join(key), ", ".join(value),
                                        f"a unique {' + '.join(key)} (already used on line {first_seen[value]})"))
            else:
                first_seen[value] = line


def _check_foreign_keys(tables: dict[str, RawTable], problems: list[Problem]) -> None:
    for table in tables.values():
        for fk in table.resource.foreign_keys:
            target = tables.get(fk.resource)
            if target is None:
                continue
            known = {tuple(r[f] for f in fk.reference_fields) for r in target.rows}
            for row, line in zip(table.rows, table.lines):
                value = tuple(row[f] for f in fk.fields)
                if all(v == "" for v in value):
                    continue
                if value not in known:
                    problems.append(Problem(table.resource.path, line, "+".join(fk.fields), ", ".join(value),
                                            f"an existing {'+'.join(fk.reference_fields)} in {target.resource.path}"))


# ---------------------------------------------------------------------------- rules beyond the schema

def _d(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _check_rules(schema: PackageSchema, tables: dict[str, RawTable], problems: list[Problem]) -> None:
    start, end = schema.window_start, schema.window_end
    window_text = f"a date inside the data's window {start} to {end} (datapackage.json 'window')"

    def in_window(file, line, column, value):
        d = _d(value)
        if d is not None and not (start <= d <= end):
            problems.append(Problem(file, line, column, value, window_text))

    events = tables.get("events")
    if events:
        for row, line in zip(events.rows, events.lines):
            s, e = _d(row["start_date"]), _d(row["end_date"])
            in_window("events.csv", line, "start_date", row["start_date"])
            in_window("events.csv", line, "end_date", row["end_date"])
            if s and e and e < s:
                problems.append(Problem("events.csv", line, "end_date", row["end_date"],
                                        f"an end date on or after the start date {row['start_date']}"))
            if row["date_precision"] == "within" and not row["end_date"]:
                problems.append(Problem("events.csv", line, "end_date", "",
                                        "the latest possible day, because date_precision is 'within'"))
            if row["date_precision"] == "within" and not row["date_note"]:
                problems.append(Problem("events.csv", line, "date_note", "",
                                        "a note saying why the exact day is not established (date_precision 'within')"))
        links = tables.get("event_sources")
        sources = tables.get("sources")
        if links is not None and sources is not None:
            known_sources = {r["id"] for r in sources.rows}
            cited = defaultdict(int)
            for r in links.rows:
                if r["source_id"] in known_sources:
                    cited[r["event_id"]] += 1
            for row, line in zip(events.rows, events.lines):
                if row["id"] and cited[row["id"]] == 0:
                    problems.append(Problem("events.csv", line, "id", row["id"],
                                            "at least one existing source for the event in event_sources.csv"))

    steps = tables.get("tariff_steps")
    if steps:
        last: dict[str, tuple[date, int]] = {}
        for row, line in zip(steps.rows, steps.lines):
            in_window("tariff_steps.csv", line, "in_force", row["in_force"])
            if row["imposing_side"] and row["imposing_side"] == row["target_side"]:
                problems.append(Problem("tariff_steps.csv", line, "target_side", row["target_side"],
                                        "the other side than imposing_side"))
            d = _d(row["in_force"])
            side = row["imposing_side"]
            if d is None:
                continue
            if side in last and d < last[side][0]:
                problems.append(Problem("tariff_steps.csv", line, "in_force", row["in_force"],
                                        f"steps of {side} in date order (line {last[side][1]} is dated {last[side][0]})"))
            else:
                last[side] = (d, line)

    statements = tables.get("statements")
    if statements:
        for row, line in zip(statements.rows, statements.lines):
            in_window("statements.csv", line, "date", row["date"])
            in_window("statements.csv", line, "date_latest", row["date_latest"])
            d, dl = _d(row["date"]), _d(row["date_latest"])
            if d and dl and dl < d:
                problems.append(Problem("statements.csv", line, "date_latest", row["date_latest"],
                                        f"a date on or after date {row['date']}"))

    sources = tables.get("sources")
    if sources:
        for row, line in zip(sources.rows, sources.lines):
            p, pl = _d(row["published"]), _d(row["published_latest"])
            if p and pl and pl < p:
                problems.append(Problem("sources.csv", line, "published_latest", row["published_latest"],
                                        f"a date on or after published {row['published']}"))
            if pl and not row["date_note"]:
                problems.append(Problem("sources.csv", line, "date_note", "",
                                        "a note saying how the publication date was worked out (published_latest is set)"))

    points = tables.get("event_sticking_points")
    if points and events:
        event_day = {r["id"]: _d(r["start_date"]) for r in events.rows}
        for row, line in zip(points.rows, points.lines):
            if row["status"] == "suspended" and not row["expires"]:
                problems.append(Problem("event_sticking_points.csv", line, "expires", "",
                                        "the day the suspension ends, because status is 'suspended'"))
            if row["expires"] and row["status"] and row["status"] != "suspended":
                problems.append(Problem("event_sticking_points.csv", line, "expires", row["expires"],
                                        "no expiry date unless status is 'suspended'"))
            x, ed = _d(row["expires"]), event_day.get(row["event_id"])
            if x and ed and x <= ed:
                problems.append(Problem("event_sticking_points.csv", line, "expires", row["expires"],
                                        f"an expiry after the event's date {ed}"))

    phases = tables.get("phases")
    if phases:
        previous = None
        for row, line in zip(phases.rows, phases.lines):
            in_window("phases.csv", line, "start_date", row["start_date"])
            in_window("phases.csv", line, "end_date", row["end_date"])
            s, e = _d(row["start_date"]), _d(row["end_date"])
            if s and e and e < s:
                problems.append(Problem("phases.csv", line, "end_date", row["end_date"],
                                        f"an end date on or after the start date {row['start_date']}"))
            if s and previous and s <= previous[0]:
                problems.append(Problem("phases.csv", line, "start_date", row["start_date"],
                                        f"phases in date order without overlap (line {previous[1]} ends on {previous[0]})"))
            if e:
                previous = (e, line)

    aliases, actors = tables.get("actor_aliases"), tables.get("actors")
    if aliases and actors:
        names = {r["name"].casefold(): r["id"] for r in actors.rows}
        seen: dict[str, tuple[str, int]] = {}
        for row, line in zip(aliases.rows, aliases.lines):
            key = row["alias"].casefold()
            if key in seen and seen[key][0] != row["actor_id"]:
                problems.append(Problem("actor_aliases.csv", line, "alias", row["alias"],
                                        f"an alias naming one actor only (line {seen[key][1]} gives it to {seen[key][0]})"))
            elif key in seen:
                problems.append(Problem("actor_aliases.csv", line, "alias", row["alias"],
                                        f"each alias once (already on line {seen[key][1]}, letter case aside)"))
            seen.setdefault(key, (row["actor_id"], line))
            if key in names and names[key] != row["actor_id"]:
                problems.append(Problem("actor_aliases.csv", line, "alias", row["alias"],
                                        f"an alias that is not the name of another actor ({names[key]})"))


# ---------------------------------------------------------------------------- entry point

def check_folder(data_dir: Path) -> tuple[PackageSchema, dict[str, RawTable]]:
    """Read and check every table of ``data_dir``; raise DataValidationError listing every problem."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataValidationError([Problem(str(data_dir), None, None, None,
                                           "an existing data folder holding datapackage.json and its CSV files")], data_dir)
    try:
        schema = parse_descriptor(read_descriptor(data_dir))
    except DataFileError as exc:
        raise DataValidationError([Problem(exc.file, None, None, None, exc.expected)], data_dir) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise DataValidationError([Problem("datapackage.json", None, None, None,
                                           f"a valid Data Package descriptor with a 'window' ({type(exc).__name__}: {exc})")], data_dir) from None
    problems: list[Problem] = []
    tables: dict[str, RawTable] = {}
    for resource in schema.resources:
        table = _read_csv(data_dir / resource.path, resource, problems)
        if table is not None:
            _check_table(table, problems)
            tables[resource.name] = table
    _check_foreign_keys(tables, problems)
    _check_rules(schema, tables, problems)
    if problems:
        raise DataValidationError(problems, data_dir)
    return schema, tables
