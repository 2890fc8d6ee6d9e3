"""A copy of a data folder, edited table by table: tests change rows without assuming which rows exist."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path


class Data:
    """A copy of the repository's data, edited table by table (whatever rows it holds)."""

    def __init__(self, folder: Path):
        self.dir = folder

    def rows(self, table: str) -> list[dict]:
        return list(csv.DictReader(io.StringIO((self.dir / f"{table}.csv").read_text(encoding="utf-8"))))

    def write(self, table: str, rows: list[dict], fields: list[str] | None = None) -> None:
        fields = fields or list(csv.DictReader(io.StringIO((self.dir / f"{table}.csv").read_text(encoding="utf-8"))).fieldnames)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        (self.dir / f"{table}.csv").write_text(out.getvalue(), encoding="utf-8")

    def set(self, table: str, column: str, value: str, where=lambda row: True) -> dict:
        rows = self.rows(table)
        row = next(r for r in rows if where(r))
        row[column] = value
        self.write(table, rows)
        return row

    def add(self, table: str, **values) -> None:
        fields = csv.DictReader(io.StringIO((self.dir / f"{table}.csv").read_text(encoding="utf-8"))).fieldnames
        rows = self.rows(table)
        rows.append({k: values.get(k, "") for k in fields})
        self.write(table, rows, fields)

    def descriptor(self) -> dict:
        return json.loads((self.dir / "datapackage.json").read_text(encoding="utf-8"))

    def save_descriptor(self, d: dict) -> None:
        (self.dir / "datapackage.json").write_text(json.dumps(d, indent=2), encoding="utf-8")

    def resource(self, d: dict, name: str) -> dict:
        return next(r for r in d["resources"] if r["name"] == name)
