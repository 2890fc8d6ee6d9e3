"""The sticking-points page: each point's status history and where it stands."""
from __future__ import annotations

import pandas as pd

from ..analysis import queries as q
from ..data import Dataset
from .common import HTML, Markdown, Table, day, escape, page_links, plural, table


def outcomes_table(ds: Dataset, s, e, sticking_points=None) -> Table:
    o = q.only(ds, q.sticking_point_outcomes(ds, s, e), "sticking_point_id", "sticking_points", sticking_points)
    o = o[o["events"] > 0]
    out = pd.DataFrame({
        "Sticking point": o["name"],
        "State at end": o["outcome"].map(q.OUTCOME_LABELS),
        "Last status": o["last_status"].astype(str),
        "Suspended until": o["expires"].map(day),
        "Since": o["as_of"].map(day),
        "Last event": o["last_event"],
        "Events": o["events"],
    })
    return table(out, f"Where each sticking point stood on {day(e)}")


def sticking_points_summary(ds: Dataset, s, e, sticking_points=None) -> Markdown:
    o = q.only(ds, q.sticking_point_outcomes(ds, s, e), "sticking_point_id", "sticking_points", sticking_points)
    o = o[o["events"] > 0]
    groups = {k: o[o["outcome"] == k] for k in ("agreed", "suspended", "open")}
    text = "On **{end}**, of **{n}**:\n\n".format(end=day(e), n=plural(len(o), "sticking point"))
    for key, label in (("agreed", "settled by agreement"), ("suspended", "suspended"), ("open", "still open")):
        g = groups[key]
        if key == "suspended":
            names = "; ".join(f"{escape(n)} (until {day(x)})" for n, x in zip(g["name"], g["expires"]))
        else:
            names = "; ".join(escape(n) for n in g["name"])
        text += f"- **{len(g)}** {label}{': ' + names if len(g) else ''}\n"
    return Markdown(text)


def sticking_points_table(ds: Dataset) -> Table:
    sp = ds.sticking_points
    out = pd.DataFrame({"Sticking point": sp["name"], "Category": sp["category"].astype(str).str.replace("_", " "),
                        "What it is about": sp["description"]})
    return table(out, "The sticking points")


def status_history_table(ds: Dataset, s, e, sticking_points=None) -> Table:
    h = q.only(ds, q.status_history(ds, None, s, e), "sticking_point_id", "sticking_points", sticking_points)
    h = h.sort_values(["sticking_point_id", "date"], key=lambda c: c.map({k: i for i, k in enumerate(ds.sticking_points["id"])}) if c.name == "sticking_point_id" else c, kind="stable")
    out = pd.DataFrame({
        "Sticking point": h["name"],
        "Date": h["date"].map(day),
        "Status": h["status"].astype(str),
        "Until": h["expires"].map(day),
        "Event": h["title"],
        "Note": h["note"],
    })
    return table(out, "Status history of every sticking point")


def points_links(ds: Dataset, sticking_points=None, prefix: str = "") -> HTML | Markdown:
    points = q.only(ds, ds.sticking_points, "id", "sticking_points", sticking_points)
    return page_links(list(zip(points["id"], points["name"])), prefix, "Each sticking point")
