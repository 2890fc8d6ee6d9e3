"""Validation of a data folder against its ``datapackage.json`` and the rules a schema can't express.

Every problem is collected (never just the first) and reported with file, line, column, value and
what was expected. ``check_folder`` returns the raw tables only when there is no problem at all, so
the loader can never half-load.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from .files import DataFileError, read_descriptor, read_regular_file
from .problems import DataValidationError, Problem, RawTable
from .rules import check_rules
from .schema import NON_EMPTY_TABLES, DescriptorError, PackageSchema, Resource, parse_descriptor

TRUE_VALUES = {"true"}
FALSE_VALUES = {"false"}


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
        start = records[-1][0] + 1 if records else 1
        problems.append(Problem(name, start, None, None,
                                f"well-formed CSV (the row starting here does not parse: {exc}; check for an unclosed quote)"))
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

# Control characters other than tab and line breaks (NUL among them) have no place in the data's text.
# A spreadsheet reads a cell starting with one of these as a formula (CSV formula injection).
_FORMULA_START = ("=", "+", "-", "@")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _check_cell(file: str, line: int, field, value: str, problems: list[Problem]) -> None:
    bad = _CONTROL.search(value)
    if bad:
        problems.append(Problem(file, line, field.name, value.replace("\x00", "\\0")[:60],
                                f"text without control characters (found U+{ord(bad.group()):04X})"))
        return
    if field.type == "string" and value[:1] in _FORMULA_START:
        problems.append(Problem(file, line, field.name, value[:60],
                                "text that does not start with = + - or @ (a spreadsheet opening the published "
                                "file would run it as a formula; reword it or start with a letter)"))
        return
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
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError
        except ValueError:
            problems.append(Problem(file, line, field.name, value,
                                    "an integer" if field.type == "integer" else "a finite number (not nan or infinity)"))
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


# ---------------------------------------------------------------------------- entry point

def _short(value) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


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
    except DescriptorError as exc:
        raise DataValidationError([Problem("datapackage.json", None, path, _short(value), expected)
                                   for path, value, expected in exc.problems], data_dir) from None
    problems: list[Problem] = []
    tables: dict[str, RawTable] = {}
    for resource in schema.resources:
        table = _read_csv(data_dir / resource.path, resource, problems)
        if table is not None:
            _check_table(table, problems)
            tables[resource.name] = table
    for name in NON_EMPTY_TABLES:
        if name in tables and not tables[name].rows:
            problems.append(Problem(tables[name].resource.path, None, None, None,
                                    "at least one row (the data would have nothing to report)"))
    _check_foreign_keys(tables, problems)
    check_rules(schema, tables, problems)
    if problems:
        raise DataValidationError(problems, data_dir)
    return schema, tables
