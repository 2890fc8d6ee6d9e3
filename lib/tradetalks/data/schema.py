"""The published Frictionless Data Package descriptor (``datapackage.json``), read as plain Python.

The descriptor is the one contract for the data: the loader takes its field types, required fields,
enums, patterns, primary keys and foreign keys from it, so nothing is declared twice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str = ""
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class PackageSchema:
    name: str
    title: str
    window_start: date
    window_end: date
    resources: tuple[Resource, ...] = field(default_factory=tuple)
    license: str = ""
    version: str = ""
    as_of: date | None = None

    def resource(self, name: str) -> Resource:
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(name)

    @property
    def resource_names(self) -> list[str]:
        return [r.name for r in self.resources]


#: The tables the book's pages read: the descriptor must declare each of them.
REQUIRED_TABLES = ("sources", "actors", "actor_aliases", "sticking_points", "events", "event_sources", "event_actors",
                   "event_sticking_points", "tariff_steps", "average_rates", "statements", "discrepancies",
                   "round_outcomes", "phases")
#: Tables that must hold at least one row (a book of nothing is an error, not an empty site).
NON_EMPTY_TABLES = ("sources", "actors", "events")
FIELD_TYPES = ("string", "date", "number", "integer", "boolean")


class DescriptorError(Exception):
    """The descriptor cannot be used; ``problems`` are (JSON path, value, expected) triples."""

    def __init__(self, problems: list[tuple[str, object, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: expected {e}" for p, _v, e in problems))


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


class _Checker:
    """Reads the descriptor, collecting every problem instead of stopping at the first."""

    def __init__(self):
        self.problems: list[tuple[str, object, str]] = []

    def fail(self, path: str, value, expected: str) -> None:
        self.problems.append((path, value, expected))

    def mapping(self, value, path: str) -> dict:
        if isinstance(value, dict):
            return value
        self.fail(path, value, "a JSON object")
        return {}

    def number(self, value, path: str) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value in (float("inf"), float("-inf")):
            self.fail(path, value, "a finite number (not text)")
            return None
        return float(value)

    def field(self, raw, path: str) -> Field | None:
        f = self.mapping(raw, path)
        name = f.get("name")
        if not isinstance(name, str) or not name:
            self.fail(f"{path}.name", name, "the field's name (text)")
            return None
        ftype = f.get("type", "string")
        if ftype not in FIELD_TYPES:
            self.fail(f"{path}.type", ftype, "one of " + ", ".join(FIELD_TYPES))
        c = self.mapping(f.get("constraints", {}), f"{path}.constraints")
        enum = c.get("enum")
        if enum is not None and not (isinstance(enum, list) and enum and all(isinstance(v, str) for v in enum)):
            self.fail(f"{path}.constraints.enum", enum, "a non-empty list of text values")
            enum = None
        pattern = c.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                self.fail(f"{path}.constraints.pattern", pattern, f"a valid regular expression ({exc})")
                pattern = None
        return Field(name=name, type=ftype if ftype in FIELD_TYPES else "string",
                     description=str(f.get("description", "")),
                     required=c.get("required") is True, unique=c.get("unique") is True,
                     enum=tuple(enum) if enum else None, pattern=pattern,
                     minimum=self.number(c.get("minimum"), f"{path}.constraints.minimum"),
                     maximum=self.number(c.get("maximum"), f"{path}.constraints.maximum"))

    def resource(self, raw, path: str) -> Resource | None:
        from .files import SAFE_NAME

        res = self.mapping(raw, path)
        name, file = res.get("name"), res.get("path")
        if not isinstance(name, str) or not name:
            self.fail(f"{path}.name", name, "the table's name")
            return None
        if not isinstance(file, str) or not SAFE_NAME.match(file):
            self.fail(f"{path}.path", file, "a plain file name in the data folder ending .csv (no folders, no '..')")
            return None
        schema = self.mapping(res.get("schema"), f"{path}.schema")
        raw_fields = schema.get("fields")
        if not isinstance(raw_fields, list) or not raw_fields:
            self.fail(f"{path}.schema.fields", raw_fields, "a non-empty list of fields")
            return None
        fields = [self.field(f, f"{path}.schema.fields[{i}]") for i, f in enumerate(raw_fields)]
        fields = [f for f in fields if f is not None]
        names = {f.name for f in fields}
        pk = _as_tuple(schema.get("primaryKey"))
        for key in pk:
            if key not in names:
                self.fail(f"{path}.schema.primaryKey", key, "a field of the table")
        fks = []
        for i, fk in enumerate(schema.get("foreignKeys") or []):
            fk = self.mapping(fk, f"{path}.schema.foreignKeys[{i}]")
            ref = self.mapping(fk.get("reference"), f"{path}.schema.foreignKeys[{i}].reference")
            try:
                fks.append(ForeignKey(_as_tuple(fk["fields"]), ref["resource"], _as_tuple(ref["fields"])))
            except (KeyError, TypeError):
                self.fail(f"{path}.schema.foreignKeys[{i}]", fk, "fields and a reference with resource and fields")
        return Resource(name=name, path=file, title=str(res.get("title", name)), description=str(res.get("description", "")),
                        fields=tuple(fields), primary_key=pk, foreign_keys=tuple(fks))


def parse_descriptor(descriptor: dict) -> PackageSchema:
    """The schema the descriptor declares; raises :class:`DescriptorError` listing every problem."""
    check = _Checker()
    raw_resources = descriptor.get("resources")
    if not isinstance(raw_resources, list):
        check.fail("resources", raw_resources, "a list of the tables")
        raw_resources = []
    resources = [check.resource(r, f"resources[{i}]") for i, r in enumerate(raw_resources)]
    resources = [r for r in resources if r is not None]
    declared = {r.name for r in resources}
    for name in REQUIRED_TABLES:
        if name not in declared:
            check.fail("resources", name, f"a table named '{name}' (the book reads it)")
    for r in resources:
        for fk in r.foreign_keys:
            if fk.resource not in declared:
                check.fail(f"resources ({r.name}).schema.foreignKeys", fk.resource, "a table declared in the descriptor")
    window = check.mapping(descriptor.get("window"), "window")
    start, end = _date(window.get("start")), _date(window.get("end"))
    if start is None:
        check.fail("window.start", window.get("start"), "the first day of the data, YYYY-MM-DD")
    if end is None:
        check.fail("window.end", window.get("end"), "the last day of the data, YYYY-MM-DD")
    if start and end and end < start:
        check.fail("window", f"{start} to {end}", "a window whose end is not before its start (it is reversed)")
    as_of = _date(descriptor.get("as_of")) if descriptor.get("as_of") is not None else None
    if descriptor.get("as_of") is not None and as_of is None:
        check.fail("as_of", descriptor.get("as_of"), "the day the record was last checked, YYYY-MM-DD")
    if check.problems:
        raise DescriptorError(check.problems)
    licenses = descriptor.get("licenses") or [{}]
    first_licence = licenses[0] if isinstance(licenses, list) and licenses and isinstance(licenses[0], dict) else {}
    return PackageSchema(
        name=str(descriptor.get("name", "")), title=str(descriptor.get("title", "")),
        window_start=start, window_end=end, resources=tuple(resources), license=str(first_licence.get("name", "")),
        version=str(descriptor.get("version", "")), as_of=as_of,
    )
