"""The timeline page: phases, the chronology of events and the tariff steps."""
from __future__ import annotations

import pandas as pd

from ..analysis import parts
from ..analysis import queries as q
from ..data import Dataset
from .common import HTML, Markdown, Table, cite, cite_events, day, md, page_links, pct, plural, table


def phases_table(ds: Dataset, s, e) -> Table:
    ph = ds.phases[(ds.phases["end_date"] >= s) & (ds.phases["start_date"] <= e)]
    opening = ds.events.set_index("id")["title"]
    out = pd.DataFrame({
        "Phase": ph["name"],
        "From": ph["start_date"].map(day),
        "To": ph["end_date"].map(day),
        "Opened by": ph["opening_event_id"].map(opening),
        "What marks it": ph["description"],
    })
    return table(out, "Phases of the conflict")


def timeline_summary(ds: Dataset, s, e, types=None, sticking_points=None, actors=None) -> Markdown:
    ev = q.events_between(ds, s, e, types=types or None, sticking_points=sticking_points or None, actors=actors or None)
    if ev.empty:
        return Markdown(f"No event between {day(s)} and {day(e)} matches this selection.")
    counts = ev["type"].astype(str).map(q.FAMILY_OF_TYPE).value_counts()
    parts = ", ".join(f"{n} {fam.lower()}" for fam, n in counts.items())
    done = ev[ev["status"].astype(str) != "scheduled"]
    planned = len(ev) - len(done)
    if done.empty:
        done = ev
    first, last = done.iloc[0], done.iloc[-1]
    text = md("The window holds **{n}**: {parts}. The first is *{first}* ({first_day}); the last that took place is "
              "*{last}* ({last_day}).", n=plural(len(ev), "event"), parts=parts, first=first["title"],
              first_day=q.date_label(first), last=last["title"], last_day=q.date_label(last)).data
    if planned:
        text += (f" {planned} {'is' if planned == 1 else 'are'} scheduled: planned or due, with no outcome recorded "
                 "as of the record's last check (marked *scheduled* in the chronology).")
    return Markdown(text)


def _event_rows(ds: Dataset, ev: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Date": [q.date_label(r) for _, r in ev.iterrows()],
        "Type": [t.replace("_", " ") + (" (scheduled)" if x == "scheduled" else "")
                 for t, x in zip(ev["type"].astype(str), ev["status"].astype(str))],
        "Event": ev["title"],
        "What happened": ev["summary"],
        "Who": ev["actors"],
        "Sources": cite_events(ds, ev["id"]),
    })


def event_table(ds: Dataset, s, e, types=None, sticking_points=None, actors=None) -> Table:
    """Every event of the selection, whole (the book splits it over the chronology pages instead)."""
    ev = q.events_between(ds, s, e, types=types or None, sticking_points=sticking_points or None, actors=actors or None)
    return table(_event_rows(ds, ev), "Chronology of events", max_bytes=None)


def chronology(ds: Dataset, s, e, types=None, sticking_points=None, actors=None, link_prefix: str = "") -> Table | HTML:
    """The chronology: links to its pages (``{link_prefix}-<part>.html``, a part each) in a book, or
    the whole table where there are no such pages (a notebook opened on its own)."""
    if not link_prefix:
        return event_table(ds, s, e, types, sticking_points, actors)
    found = parts.chronology_parts(ds, s, e, types, sticking_points, actors)
    items = [(p.id, f"{p.title} ({plural(len(p.rows), 'event')})") for p in found]
    return page_links(items, link_prefix, "The chronology, page by page")


def _part_events(ds: Dataset, s, e, part: str, types, sticking_points, actors) -> tuple[parts.Part, pd.DataFrame]:
    found = parts.find_part(parts.chronology_parts(ds, s, e, types, sticking_points, actors), part, "chronology")
    ev = q.events_between(ds, s, e, types=types or None, sticking_points=sticking_points or None, actors=actors or None)
    return found, ev[ev["id"].isin(found.rows)]


def chronology_part_summary(ds: Dataset, s, e, part: str, types=None, sticking_points=None, actors=None) -> Markdown:
    """What one page of the chronology spans."""
    _found, ev = _part_events(ds, s, e, part, types, sticking_points, actors)
    first, last = ev.iloc[0], ev.iloc[-1]
    return md("{n} of the window, from *{first}* ({first_day}) to *{last}* ({last_day}), in date order, each "
              "with its sources.", n=plural(len(ev), "event").capitalize(), first=first["title"],
              first_day=q.date_label(first), last=last["title"], last_day=q.date_label(last))


def chronology_part_table(ds: Dataset, s, e, part: str, types=None, sticking_points=None, actors=None) -> Table:
    """The events of one page of the chronology, whole (a part is sized to fit a page)."""
    found, ev = _part_events(ds, s, e, part, types, sticking_points, actors)
    return table(_event_rows(ds, ev), f"Chronology of events, {found.title}", max_bytes=None)


def measure_label(measure: str) -> str:
    """'reciprocal_ieepa' -> 'Reciprocal (IEEPA)': words capitalised, a trailing legal basis in capitals."""
    words = measure.split("_")
    if len(words) > 1 and words[-1] in {"ieepa", "s301", "s232"}:
        return " ".join(words[:-1]).capitalize() + f" ({words[-1].upper()})"
    return " ".join(words).capitalize()


def tariff_steps_table(ds: Dataset, s, e) -> Table:
    t = ds.tariff_steps[(ds.tariff_steps["in_force"] >= s) & (ds.tariff_steps["in_force"] <= e)]
    sides = {"united_states": "United States", "china": "China"}
    out = pd.DataFrame({
        "In force": t["in_force"].map(day),
        "Imposed by": t["imposing_side"].map(sides),
        "Measure": t["measure"].map(measure_label),
        "Goods": t["scope"].map({"all_goods": "all", "selected_goods": "selected"}),
        "Rate": t["rate_pct"].map(pct),
        "In headline": t["counts_in_headline"].map({True: "yes", False: "no"}),
        "Headline after": [pct(q.tariff_in_force(ds, side, d)) for side, d in zip(t["imposing_side"], t["in_force"])],
        "Source": [cite(ds, [i]) for i in t["source_id"]],
    })
    return table(out, "Every tariff step in the window")


def rounds_links(ds: Dataset, s, e, prefix: str = "") -> HTML | Markdown:
    r = q.negotiation_rounds(ds, s, e)
    return page_links(list(zip(r["id"], r["label"])), prefix, "Each round, call and summit")
