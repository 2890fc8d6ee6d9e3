"""The page of one sticking point."""
from __future__ import annotations

import pandas as pd

from ..analysis import queries as q
from ..data import Dataset
from .common import Markdown, Table, cite, cite_events, day, escape, plural, table


def point_summary(ds: Dataset, s, e, point_id: str) -> Markdown:
    q.check_ids(ds, "sticking_points", [point_id])
    sp = ds.sticking_points.set_index("id").loc[point_id]
    o = q.sticking_point_outcomes(ds, s, e).set_index("sticking_point_id").loc[point_id]
    text = "**{name}** ({category}). {description}\n\n".format(
        name=escape(sp["name"]), category=escape(str(sp["category"]).replace("_", " ")), description=escape(sp["description"]))
    if o["events"] == 0:
        return Markdown(text + f"No event between {day(s)} and {day(e)} touched it.")
    until = f" until **{day(o['expires'])}**" if o["outcome"] == "suspended" else ""
    text += ("Between {s} and {e}, **{n}** touched it. Its last status was **{status}**{until} "
             "(from {since}, *{event}*), so at the end of the window it is **{outcome}**.").format(
        s=day(s), e=day(e), n=plural(int(o["events"]), "event"), status=escape(o["last_status"]), until=until,
        since=day(o["as_of"]), event=escape(o["last_event"]), outcome=escape(q.OUTCOME_LABELS[o["outcome"]].lower()))
    return Markdown(text)


def point_events_table(ds: Dataset, s, e, point_id: str) -> Table:
    h = q.status_history(ds, point_id, s, e)
    out = pd.DataFrame({
        "Date": h["date"].map(day),
        "Event": h["title"],
        "Status": h["status"].astype(str),
        "Until": h["expires"].map(day),
        "Note": h["note"],
        "Sources": cite_events(ds, h["event_id"]),
    })
    return table(out, "Events that touched this sticking point, with the status each gave it")


def point_actors_table(ds: Dataset, s, e, point_id: str) -> Table:
    ev = q.events_between(ds, s, e, sticking_points=[point_id])
    links = ds.event_actors[ds.event_actors["event_id"].isin(ev["id"])].merge(ds.actors, left_on="actor_id", right_on="id")
    links = links[links["side"].isin(["united_states", "china"]) & ~links["role"].isin(["host", "subject"])]
    g = (links.groupby(["side", "name"], observed=True)
         .agg(events=("event_id", "nunique"), roles=("role", lambda r: ", ".join(sorted({str(x).replace("_", " ") for x in r}))))
         .reset_index().sort_values(["side", "events", "name"], ascending=[True, False, True]))
    out = pd.DataFrame({"Side": g["side"].map(q.SIDE_LABELS), "Who": g["name"], "Events": g["events"], "Roles": g["roles"]})
    return table(out, "Who pushed it, on each side (hosts left out)")


def point_sources_table(ds: Dataset, s, e, point_id: str) -> Table:
    ev = q.events_between(ds, s, e, sticking_points=[point_id])
    ids = ds.event_sources[ds.event_sources["event_id"].isin(ev["id"])]["source_id"].unique()
    src = q.sources_with_events(ds)
    src = src[src["id"].isin(ids)]
    out = pd.DataFrame({"#": [cite(ds, [i]) for i in src["id"]],
                        "Source": [f"{lab}: {t if o else f'[{t}]'}" for lab, t, o in zip(src["label"], src["title"], src["title_is_official"])]})
    return table(out, "Sources for this sticking point")
