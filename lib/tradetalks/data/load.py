"""Load a validated data folder into typed pandas DataFrames."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..paths import resolve_data_dir
from .schema import PackageSchema, Resource
from .validate import RawTable, check_folder


@dataclass(frozen=True)
class Dataset:
    """Every table the data package declares, as a typed DataFrame (dates as datetimes, enums as
    categoricals), by resource name: ``ds.events``, ``ds.table("events")``. A table added to
    ``datapackage.json`` is loaded and validated with no change here."""
    data_dir: Path
    schema: PackageSchema
    tables: dict[str, pd.DataFrame]

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables") or {}
        if name in tables:
            return tables[name]
        raise AttributeError(f"the data package has no table {name!r} (tables: {', '.join(tables)})")

    @property
    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """The declared window of the data package (every dated row lies inside it)."""
        return pd.Timestamp(self.schema.window_start), pd.Timestamp(self.schema.window_end)

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def row_counts(self) -> dict[str, int]:
        return {r.name: len(self.table(r.name)) for r in self.schema.resources}


def _typed_frame(table: RawTable) -> pd.DataFrame:
    res: Resource = table.resource
    columns = {}
    for f in res.fields:
        raw = [row[f.name] for row in table.rows]
        if f.type == "date":
            col = pd.to_datetime(pd.Series([v or None for v in raw], dtype="object"), format="%Y-%m-%d")
        elif f.type == "boolean":
            col = pd.Series([v == "true" for v in raw], dtype="bool")
        elif f.type == "integer":
            col = pd.Series([int(v) if v else None for v in raw], dtype="Int64")
        elif f.type == "number":
            col = pd.Series([float(v) if v else None for v in raw], dtype="float64")
        elif f.enum is not None:
            col = pd.Series(pd.Categorical([v or None for v in raw], categories=list(f.enum)))
        else:
            # Text stays exactly as written (HTML or script in it is data, not markup).
            col = pd.Series(raw, dtype="object")
        columns[f.name] = col
    return pd.DataFrame(columns, index=pd.RangeIndex(len(table.rows)))


def load_dataset(data_dir: str | os.PathLike | None = None) -> Dataset:
    """Validate ``data_dir`` (the repository's data folder by default) and load it.

    Raises :class:`tradetalks.validate.DataValidationError` listing every problem; nothing is loaded then.
    """
    path = resolve_data_dir(data_dir)
    schema, tables = check_folder(path)
    frames = {name: _typed_frame(t) for name, t in tables.items()}
    events = frames["events"].sort_values(["start_date", "id"], kind="stable").reset_index(drop=True)
    frames["events"] = events
    return Dataset(data_dir=path, schema=schema, tables=frames)


@lru_cache(maxsize=8)
def _cached(path: str, stamp: tuple) -> Dataset:
    return load_dataset(path)


def load_cached(data_dir: str | os.PathLike | None = None) -> Dataset:
    """Like :func:`load_dataset` but reuses the result while no file in the folder has changed."""
    path = resolve_data_dir(data_dir)
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in path.glob("*") if p.is_file())) if path.is_dir() else ()
    return _cached(str(path), stamp)


def as_date(value) -> pd.Timestamp:
    """Accept a date, datetime, Timestamp or ISO string and return a Timestamp (day precision)."""
    if isinstance(value, pd.Timestamp):
        return value.normalize()
    if isinstance(value, date):
        return pd.Timestamp(value)
    return pd.Timestamp(date.fromisoformat(str(value)))


def clear_cache() -> None:
    """Forget every dataset :func:`load_cached` kept (each page of a build starts without them)."""
    _cached.cache_clear()
