"""The window a page looks at: from the first to the last recorded event unless a reader narrows it."""
from __future__ import annotations

import pandas as pd

from ..data import Dataset, as_date


class QueryError(ValueError):
    """A request the data cannot answer: unknown id, empty or reversed window, date outside the data."""


def recorded_span(ds: Dataset) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day of the recorded events: the default window."""
    ev = ds.events
    return ev["start_date"].min(), ev["end_date"].fillna(ev["start_date"]).max()


def window(ds: Dataset, start=None, end=None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The [start, end] window as Timestamps, by default from the first to the last recorded event;
    checks it is sensible and inside the data's declared window."""
    data_start, data_end = ds.window
    first, last = recorded_span(ds)
    try:
        s = as_date(start) if start not in (None, "") else first
        e = as_date(end) if end not in (None, "") else last
    except ValueError as exc:
        raise QueryError(f"window dates must be written YYYY-MM-DD ({exc})") from None
    if e < s:
        raise QueryError(f"the window is reversed: its end {e.date()} is before its start {s.date()}")
    for label, d in (("start", s), ("end", e)):
        if not (data_start <= d <= data_end):
            raise QueryError(f"window {label} {d.date()} is outside the data, which covers {data_start.date()} to {data_end.date()}")
    return s, e
