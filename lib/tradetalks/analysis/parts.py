"""Long lists split over pages: the chronology by calendar periods, the sources by number.

A page that held every event or every source would outgrow a reader's phone (and the book's weight
target) as the record grows, so each list is cut into parts of at most a fixed number of rows, and
each part gets its own page. Parts follow the calendar where they can: whole years together while
they fit, then months of a long year, then (only if one month holds more than a part) numbered
pieces of that month. The parts depend only on the data and the window, so every page can work out
which part, and so which page, holds a given event or source.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..data import Dataset
from . import queries as q

#: Events on one chronology page at most (a curated event's row is about 1 KB of HTML).
EVENTS_PER_PART = 100
#: Sources on one page of the list of sources at most (a row is about 1–2 KB of HTML).
SOURCES_PER_PART = 60

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


@dataclass(frozen=True)
class Part:
    id: str        # in the page's name: chronology-<id>, sources-<id>
    title: str     # what the page is called after its list's name
    rows: tuple    # the event or source ids it holds, in order


def _chunks(ids: list, size: int) -> list[list]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _span(first: str, last: str) -> str:
    return first if first == last else f"{first}-{last}"


def _group_periods(periods: list[tuple[str, list]], size: int) -> list[list[tuple[str, list]]]:
    """Consecutive periods gathered while their rows fit in one part (a period too long stands alone)."""
    groups: list[list[tuple[str, list]]] = []
    for period in periods:
        if groups and len(period[1]) <= size and sum(len(p[1]) for p in groups[-1]) + len(period[1]) <= size:
            groups[-1].append(period)
        else:
            groups.append([period])
    return groups


def _month_parts(year: int, events: pd.DataFrame, size: int) -> list[Part]:
    months = [(f"{year}-{m:02d}", list(g["id"])) for m, g in events.groupby(events["start_date"].dt.month, sort=True)]
    parts = []
    for group in _group_periods(months, size):
        ids = [i for _, rows in group for i in rows]
        first, last = group[0][0], group[-1][0]
        name = (_MONTHS[int(first[5:]) - 1] if first == last
                else f"{_MONTHS[int(first[5:]) - 1]}–{_MONTHS[int(last[5:]) - 1]}") + f" {year}"
        if len(ids) <= size:
            parts.append(Part(first if first == last else f"{first}-to-{last}", name, tuple(ids)))
            continue
        pieces = _chunks(ids, size)  # one month longer than a part: numbered pieces of it
        parts += [Part(f"{first}-{n}", f"{name} ({n} of {len(pieces)})", tuple(p)) for n, p in enumerate(pieces, 1)]
    return parts


def chronology_parts(ds: Dataset, start=None, end=None, types=None, sticking_points=None, actors=None,
                     size: int = EVENTS_PER_PART) -> list[Part]:
    """The events of the window (those of ``types``, ``sticking_points``, ``actors`` where given), in
    date order, in parts of at most ``size`` events."""
    ev = q.events_between(ds, start, end, types=types or None, sticking_points=sticking_points or None,
                          actors=actors or None)
    years = [(str(y), g) for y, g in ev.groupby(ev["start_date"].dt.year, sort=True)]
    parts: list[Part] = []
    for group in _group_periods([(y, list(g["id"])) for y, g in years], size):
        ids = [i for _, rows in group for i in rows]
        if len(ids) <= size:
            first, last = group[0][0], group[-1][0]
            parts.append(Part(_span(first, last), first if first == last else f"{first}–{last}", tuple(ids)))
        else:
            year = int(group[0][0])
            parts += _month_parts(year, dict(years)[group[0][0]], size)
    return parts


def source_part_id(number: int, total: int, size: int = SOURCES_PER_PART) -> str:
    """The id of the part of :func:`source_parts` that holds source number ``number`` of ``total``."""
    first = (number - 1) // size * size + 1
    return f"{first}-{min(first + size - 1, total)}"


def source_parts(ds: Dataset, size: int = SOURCES_PER_PART) -> list[Part]:
    """Every source, in the book's order (see :func:`queries.source_numbers`), in parts of at most ``size``
    (the part of each source is :func:`source_part_id`: one definition of the split)."""
    numbers = q.source_numbers(ds)
    grouped: dict[str, list[str]] = {}
    for sid in sorted(numbers, key=numbers.get):
        grouped.setdefault(source_part_id(numbers[sid], len(numbers), size), []).append(sid)
    return [Part(pid, "[{}]–[{}]".format(*pid.split("-")), tuple(ids)) for pid, ids in grouped.items()]


def find_part(parts: list[Part], part_id: str, what: str) -> Part:
    """The part called ``part_id``, or QueryError naming the parts there are."""
    for part in parts:
        if part.id == part_id:
            return part
    raise q.QueryError(f"no {what} part {part_id!r}; the parts are: {', '.join(p.id for p in parts) or 'none'}")
