"""The sticking-points page: where each point stands (in words that claim no more than the record shows),
and how each status moved."""
from __future__ import annotations

import pandas as pd

from ..analysis import queries as q
from ..analysis import states as st
from ..data import Dataset
from .common import HTML, Markdown, Table, day, escape, page_links, plural, table

#: How a group of points in one state reads in a list: (one, several).
GROUP_WORDS = {
    "agreed": "agreed and in force",
    "closed": "closed",
    "partly_implemented": "partly implemented",
    "pledged": "pledged, not yet verifiable",
    "suspended": "suspended",
    "suspension_expired": "suspension expired, outcome not yet recorded",
    "escalated": "escalated",
    "open": "open",
}


def _states(ds: Dataset, s, e, sticking_points=None) -> pd.DataFrame:
    """The state of each point (touched by an event of the window) on the window's end, or the as-of date
    if earlier."""
    on = st.as_of(ds, e)
    o = q.only(ds, st.point_states(ds, on, s, e), "sticking_point_id", "sticking_points", sticking_points)
    return o[o["events"] > 0]


def outcomes_table(ds: Dataset, s, e, sticking_points=None) -> Table:
    """One row per point touched in the window: where it stands (one status column), since when (the day
    of its last event), that event, and how many events of the window touched it."""
    o = _states(ds, s, e, sticking_points)
    on = st.as_of(ds, e)
    out = pd.DataFrame({
        "Sticking point": o["name"],
        "Where it stands": o["label"],
        "Since": o["since"].map(day),
        "Last event": o["last_event"],
        "Events": o["events"],
    })
    return table(out, f"Where each sticking point stood on {day(on)} (events: how many in the window touched it)")


def sticking_points_summary(ds: Dataset, s, e, sticking_points=None) -> Markdown:
    """The points of the window grouped by where they stand (groups with no point left out)."""
    o = _states(ds, s, e, sticking_points)
    on = st.as_of(ds, e)
    if o.empty:
        return Markdown(f"No event between {day(s)} and {day(e)} touched these sticking points.")
    text = "On **{on}**, of the **{n}** touched between {s} and {e}:\n\n".format(
        on=day(on), n=plural(len(o), "sticking point"), s=day(s), e=day(e))
    for kind in st.STATE_ORDER:
        g = o[o["kind"] == kind]
        if g.empty:
            continue
        if kind == "suspended":
            names = "; ".join(f"{escape(n)} (until {st.days(x)})" for n, x in zip(g["name"], g["expires"]))
        elif kind == "suspension_expired":
            names = "; ".join(f"{escape(n)} (expired on {st.days(x)})" for n, x in zip(g["name"], g["expires"]))
        else:
            names = "; ".join(escape(n) for n in g["name"])
        text += f"- **{len(g)}** {GROUP_WORDS.get(kind, kind)}: {names}\n"
    return Markdown(text)


def sticking_points_table(ds: Dataset) -> Table:
    sp = ds.sticking_points
    out = pd.DataFrame({"Sticking point": sp["name"], "Category": sp["category"].astype(str).str.replace("_", " "),
                        "What it is about": sp["description"]})
    return table(out, "The sticking points")


def status_history_table(ds: Dataset, s, e, sticking_points=None) -> Table:
    """Every status an event gave a point in the window, point by point (one status column, with the
    suspension's end and what stays in force where the record says)."""
    h = q.only(ds, q.status_history(ds, None, s, e), "sticking_point_id", "sticking_points", sticking_points)
    order = {k: i for i, k in enumerate(ds.sticking_points["id"])}
    h = h.assign(_order=h["sticking_point_id"].map(order)).sort_values(["_order"], kind="stable")
    out = pd.DataFrame({
        "Sticking point": h["name"],
        "Date": h["date"].map(day),
        "Status": [st.event_status_label(x, y, z) for x, y, z in zip(h["status"], h["expires"], h["remains"])],
        "Event": h["title"],
        "Note": h["note"],
    })
    if not out["Note"].fillna("").astype(str).str.strip().any():
        out = out.drop(columns="Note")  # no note recorded: no empty column
    return table(out, "Status history of every sticking point")


def status_history(ds: Dataset, s, e, sticking_points=None, point_link_prefix: str = "") -> Table | Markdown:
    """The full status history: in a book, where each sticking point's page lists its own history with
    the sources (``{point_link_prefix}-<id>.html``), a pointer to those pages; on its own, the table."""
    if not point_link_prefix:
        return status_history_table(ds, s, e, sticking_points)
    h = q.only(ds, q.status_history(ds, None, s, e), "sticking_point_id", "sticking_points", sticking_points)
    return Markdown(f"Every status an event gave a sticking point in the window ({plural(len(h), 'status', 'statuses')} "
                    "in all) is listed, with its sources, on that sticking point's page (linked above).")


def points_links(ds: Dataset, sticking_points=None, prefix: str = "") -> HTML | Markdown:
    points = q.only(ds, ds.sticking_points, "id", "sticking_points", sticking_points)
    return page_links(list(zip(points["id"], points["name"])), prefix, "Each sticking point")
