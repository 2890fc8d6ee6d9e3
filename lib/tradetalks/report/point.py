"""The page of one sticking point."""
from __future__ import annotations

import pandas as pd

from ..analysis import queries as q
from ..analysis import states as st
from ..data import Dataset
from .common import Markdown, Table, cite, cite_events, day, escape, plural, table


def point_state_sentence(ds: Dataset, e, point_id: str) -> str:
    """Where one point stands, in one sentence (MyST, data text escaped)."""
    on = st.as_of(ds, e)
    state = st.point_state(ds, point_id, on)
    if state.kind == "not_raised":
        return f"As of **{day(on)}**, no recorded event has touched it yet."
    return (f"As of **{day(on)}** its status is **{escape(state.label)}**; the last event that touched it is "
            f"*{escape(state.last_event)}* ({day(state.since)}).")


def point_summary(ds: Dataset, s, e, point_id: str) -> Markdown:
    """What the point is about, where it stands (one sentence), and how many events of the window touched it."""
    q.check_ids(ds, "sticking_points", [point_id])
    sp = ds.sticking_points.set_index("id").loc[point_id]
    text = "**{name}** ({category}). {description}\n\n".format(
        name=escape(sp["name"]), category=escape(str(sp["category"]).replace("_", " ")), description=escape(sp["description"]))
    text += point_state_sentence(ds, e, point_id)
    n = len(q.status_history(ds, point_id, s, e))
    if n:
        text += f" Between {day(s)} and {day(e)}, {plural(n, 'event')} touched it."
    else:
        text += f" No event between {day(s)} and {day(e)} touched it."
    return Markdown(text)


def point_events_table(ds: Dataset, s, e, point_id: str) -> Table:
    h = q.status_history(ds, point_id, s, e)
    out = pd.DataFrame({
        "Date": h["date"].map(day),
        "Event": h["title"],
        "Status it gave": [st.event_status_label(x, y, z) for x, y, z in zip(h["status"], h["expires"], h["remains"])],
        "Note": h["note"],
        "Sources": cite_events(ds, h["event_id"]),
    })
    if not out["Note"].fillna("").astype(str).str.strip().any():
        out = out.drop(columns="Note")  # no note recorded: no empty column
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
