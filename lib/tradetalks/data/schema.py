"""The published Frictionless Data Package descriptor (``datapackage.json``), read as plain Python.

The descriptor is the one contract for the data: the loader takes its field types, required fields,
enums, patterns, primary keys and foreign keys from it, so nothing is declared twice.
"""
from __future__ import annotations

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

    def resource(self, name: str) -> Resource:
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(name)

    @property
    def resource_names(self) -> list[str]:
        return [r.name for r in self.resources]


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def parse_descriptor(descriptor: dict) -> PackageSchema:
    resources = []
    for res in descriptor["resources"]:
        schema = res["schema"]
        fields = []
        for f in schema["fields"]:
            c = f.get("constraints", {})
            fields.append(Field(
                name=f["name"], type=f.get("type", "string"), description=f.get("description", ""),
                required=bool(c.get("required", False)), unique=bool(c.get("unique", False)),
                enum=tuple(c["enum"]) if "enum" in c else None, pattern=c.get("pattern"),
                minimum=c.get("minimum"), maximum=c.get("maximum"),
            ))
        fks = tuple(
            ForeignKey(_as_tuple(fk["fields"]), fk["reference"]["resource"], _as_tuple(fk["reference"]["fields"]))
            for fk in schema.get("foreignKeys", [])
        )
        resources.append(Resource(
            name=res["name"], path=res["path"], title=res.get("title", res["name"]),
            description=res.get("description", ""), fields=tuple(fields),
            primary_key=_as_tuple(schema.get("primaryKey")), foreign_keys=fks,
        ))
    window = descriptor["window"]
    licenses = descriptor.get("licenses") or [{}]
    return PackageSchema(
        name=descriptor.get("name", ""), title=descriptor.get("title", ""),
        window_start=date.fromisoformat(window["start"]), window_end=date.fromisoformat(window["end"]),
        resources=tuple(resources), license=licenses[0].get("name", ""),
    )
