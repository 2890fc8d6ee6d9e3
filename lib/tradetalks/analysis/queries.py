"""Questions the report's sections ask of the data. Every function takes a loaded Dataset."""
from __future__ import annotations

import pandas as pd

from ..data import Dataset
from .tariffs import TariffLevel, tariff_detail, tariff_in_force, tariff_series, tariff_summary  # noqa: F401
from .windows import QueryError, recorded_span, window  # noqa: F401

NEGOTIATION_TYPES = ("talks_round", "leaders_call", "negotiators_call", "summit")
NEGOTIATING_ROLES = ("leader", "lead_negotiator", "delegate")
SIDE_LABELS = {"united_states": "United States", "china": "China", "third_party": "Third parties"}
OUTCOME_LABELS = {"agreed": "Settled by agreement", "suspended": "Suspended", "open": "Still open"}


def _overlapping(events: pd.DataFrame, s: pd.Timestamp, e: pd.Timestamp) -> pd.Series:
    last = events["end_date"].fillna(events["start_date"])
    return (events["start_date"] <= e) & (last >= s)


# ---------------------------------------------------------------------------- events

def events_between(ds: Dataset, start=None, end=None, types=None, sticking_points=None, actors=None) -> pd.DataFrame:
    """Events overlapping the window, in date order, with their sources, actors and sticking points joined as text."""
    s, e = window(ds, start, end)
    ev = ds.events[_overlapping(ds.events, s, e)].copy()
    if types:
        ev = ev[ev["type"].isin(list(types))]
    if sticking_points:
        check_ids(ds, "sticking_points", sticking_points)
        ids = ds.event_sticking_points.loc[ds.event_sticking_points["sticking_point_id"].isin(list(sticking_points)), "event_id"]
        ev = ev[ev["id"].isin(set(ids))]
    if actors:
        check_ids(ds, "actors", actors)
        ids = ds.event_actors.loc[ds.event_actors["actor_id"].isin(list(actors)), "event_id"]
        ev = ev[ev["id"].isin(set(ids))]
    src = ds.event_sources.groupby("event_id", sort=False)["source_id"].agg(lambda x: "; ".join(x))
    names = ds.event_actors.merge(ds.actors[["id", "name"]], left_on="actor_id", right_on="id")
    who = names.groupby("event_id", sort=False)["name"].agg(lambda x: "; ".join(x))
    pts = ds.event_sticking_points.merge(ds.sticking_points[["id", "name"]], left_on="sticking_point_id", right_on="id")
    what = pts.groupby("event_id", sort=False)["name"].agg(lambda x: "; ".join(dict.fromkeys(x)))
    ev["sources"] = ev["id"].map(src).fillna("")
    ev["actors"] = ev["id"].map(who).fillna("")
    ev["sticking_points"] = ev["id"].map(what).fillna("")
    return ev.reset_index(drop=True)


def date_label(row) -> str:
    """How an event's date reads: '10-11 May 2025', '12 May 2025', or 'between 12 May and 2 June 2025'."""
    s, e = row["start_date"], row["end_date"]
    fmt = lambda d: f"{d.day} {d:%B %Y}"
    if pd.isna(e) or e == s:
        return fmt(s)
    if row.get("date_precision") == "within":
        return f"between {s.day} {s:%B} and {fmt(e)}" if s.year == e.year else f"between {fmt(s)} and {fmt(e)}"
    if s.month == e.month and s.year == e.year:
        return f"{s.day}–{e.day} {e:%B %Y}"
    return f"{s.day} {s:%B} – {fmt(e)}"


def negotiation_rounds(ds: Dataset, start=None, end=None, types=NEGOTIATION_TYPES) -> pd.DataFrame:
    """Talks rounds, leaders' calls and summits in the window, numbered within their type across the whole data."""
    allrounds = ds.events[ds.events["type"].isin(list(types))].copy()
    allrounds["number"] = allrounds.groupby("type", observed=True).cumcount() + 1
    allrounds["label"] = [short_label(r) for r in allrounds.itertuples()]
    s, e = window(ds, start, end)
    return allrounds[_overlapping(allrounds, s, e)].reset_index(drop=True)


def short_label(r) -> str:
    """A short name for a round: 'Geneva talks', 'Call 5 Jun', 'Busan summit'."""
    place = (r.location or "").split(",")[0].strip()
    if r.type == "talks_round":
        return f"{place} talks"
    if r.type == "leaders_call":
        return f"Call {r.start_date.day} {r.start_date:%b}"
    return f"{place} summit" if r.type == "summit" else r.title


# ---------------------------------------------------------------------------- actors

def check_ids(ds: Dataset, table: str, ids) -> None:
    known = set(ds.table(table)["id"])
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise QueryError(f"unknown {table.replace('_', ' ')} id {', '.join(map(repr, unknown))}; known ids: {', '.join(sorted(known))}")


def only(ds: Dataset, frame: pd.DataFrame, column: str, table: str, ids) -> pd.DataFrame:
    """Rows of ``frame`` whose ``column`` is one of ``ids`` (ids checked against ``table``); all rows when ids is empty."""
    if not ids:
        return frame
    check_ids(ds, table, ids)
    return frame[frame[column].isin(list(ids))]


def day_label(d) -> str:
    """'14 May 2025'; empty for a missing date."""
    return "" if pd.isna(d) else f"{d.day} {d:%B %Y}"


def find_actor(ds: Dataset, text: str) -> str:
    """The actor id for an id, a name or any recorded alias (misspellings included), ignoring letter case."""
    key = text.strip().casefold()
    for _, a in ds.actors.iterrows():
        if key in (a["id"].casefold(), a["name"].casefold(), (a["name_native"] or "").casefold()):
            return a["id"]
    hit = ds.actor_aliases[ds.actor_aliases["alias"].str.casefold() == key]
    if len(hit):
        return hit["actor_id"].iloc[0]
    raise QueryError(f"no actor is called {text!r} (by id, name or alias)")


def roster(ds: Dataset, start=None, end=None) -> pd.DataFrame:
    """Actors who appear in an event of the window, by side, with their post and number of events."""
    ev = events_between(ds, start, end)
    links = ds.event_actors[ds.event_actors["event_id"].isin(ev["id"])]
    counts = links.groupby("actor_id").size().rename("events")
    out = ds.actors.merge(counts, left_on="id", right_index=True)
    out["side_label"] = out["side"].map(SIDE_LABELS)
    return out.sort_values(["side", "kind", "events", "name"], ascending=[True, True, False, True]).reset_index(drop=True)


def participation(ds: Dataset, start=None, end=None) -> pd.DataFrame:
    """Long table: which actor took part in which negotiation round, in what role."""
    rounds = negotiation_rounds(ds, start, end)
    links = ds.event_actors.merge(rounds[["id", "label", "start_date", "type"]], left_on="event_id", right_on="id")
    links = links.drop(columns="id").merge(ds.actors[["id", "name", "side", "kind"]], left_on="actor_id", right_on="id").drop(columns="id")
    return links.sort_values(["start_date", "side", "name"]).reset_index(drop=True)


def delegations(ds: Dataset, event_id: str) -> dict[str, pd.DataFrame]:
    """Each side's people at one event: {'united_states': ..., 'china': ..., 'third_party': ...}."""
    check_ids(ds, "events", [event_id])
    links = ds.event_actors[ds.event_actors["event_id"] == event_id].merge(
        ds.actors, left_on="actor_id", right_on="id")
    return {side: links[links["side"] == side][["name", "role", "post"]].reset_index(drop=True)
            for side in SIDE_LABELS}


def counterparts(ds: Dataset, start=None, end=None) -> pd.DataFrame:
    """Who met whom across the table: pairs of a US and a Chinese person present at the same round, with how often."""
    p = participation(ds, start, end)
    p = p[(p["kind"] == "person") & p["role"].isin(NEGOTIATING_ROLES)]
    us, cn = p[p["side"] == "united_states"], p[p["side"] == "china"]
    pairs = us.merge(cn, on="event_id", suffixes=("_us", "_cn"))
    out = (pairs.groupby(["name_us", "name_cn"]).agg(meetings=("event_id", "nunique"),
                                                      rounds=("label_us", lambda x: "; ".join(dict.fromkeys(x))))
           .reset_index().sort_values(["meetings", "name_us", "name_cn"], ascending=[False, True, True]))
    return out.reset_index(drop=True)


def statements(ds: Dataset, start=None, end=None, actors=None) -> pd.DataFrame:
    s, e = window(ds, start, end)
    st = ds.statements[(ds.statements["date"] >= s) & (ds.statements["date"] <= e)]
    if actors:
        check_ids(ds, "actors", actors)
        st = st[st["actor_id"].isin(list(actors))]
    st = st.merge(ds.actors[["id", "name", "side"]], left_on="actor_id", right_on="id", suffixes=("", "_actor"))
    return st.drop(columns="id_actor").sort_values(["date", "id"]).reset_index(drop=True)


# ---------------------------------------------------------------------------- sticking points

def status_history(ds: Dataset, sticking_point_id: str | None = None, start=None, end=None) -> pd.DataFrame:
    """Every status a sticking point (or each of them) had, in date order, with the event that set it."""
    s, e = window(ds, start, end)
    h = ds.event_sticking_points.merge(ds.events[["id", "start_date", "end_date", "type", "title"]],
                                       left_on="event_id", right_on="id").drop(columns="id")
    if sticking_point_id is not None:
        check_ids(ds, "sticking_points", [sticking_point_id])
        h = h[h["sticking_point_id"] == sticking_point_id]
    # A status holds from the day its event ended (a round's outcome comes at its close).
    h["date"] = h["end_date"].fillna(h["start_date"])
    h = h[(h["date"] >= s) & (h["date"] <= e)]
    h = h.merge(ds.sticking_points[["id", "name"]], left_on="sticking_point_id", right_on="id").drop(columns="id")
    return h.sort_values(["date", "start_date", "event_id"], kind="stable").reset_index(drop=True)


def outcome_of(status: str | None, expires, as_of: pd.Timestamp) -> str:
    if status == "agreed":
        return "agreed"
    if status == "suspended" and pd.notna(expires) and expires > as_of:
        return "suspended"
    return "open"


def sticking_point_outcomes(ds: Dataset, start=None, end=None) -> pd.DataFrame:
    """For each sticking point: its last status in the window, its expiry, and whether it is agreed, suspended or open."""
    s, e = window(ds, start, end)
    h = status_history(ds, None, s, e)
    last = h.groupby("sticking_point_id").tail(1).set_index("sticking_point_id")
    rows = []
    for _, sp in ds.sticking_points.iterrows():
        if sp["id"] in last.index:
            r = last.loc[sp["id"]]
            status, expires, date, event = r["status"], r["expires"], r["date"], r["title"]
        else:
            status, expires, date, event = None, pd.NaT, pd.NaT, ""
        rows.append({"sticking_point_id": sp["id"], "name": sp["name"], "category": sp["category"],
                     "last_status": status, "expires": expires, "as_of": date, "last_event": event,
                     "outcome": outcome_of(status, expires, e), "events": int((h["sticking_point_id"] == sp["id"]).sum())})
    return pd.DataFrame(rows)


def status_matrix(ds: Dataset, start=None, end=None) -> pd.DataFrame:
    """Sticking point x negotiation round: the status each round gave the point (long form, for a heatmap)."""
    rounds = negotiation_rounds(ds, start, end)
    h = ds.event_sticking_points.merge(rounds[["id", "label", "start_date"]], left_on="event_id", right_on="id").drop(columns="id")
    return h.merge(ds.sticking_points[["id", "name"]], left_on="sticking_point_id", right_on="id").drop(columns="id")


# ---------------------------------------------------------------------------- overview

def headline_figures(ds: Dataset, start=None, end=None) -> dict:
    s, e = window(ds, start, end)
    ev = events_between(ds, s, e)
    rounds = negotiation_rounds(ds, s, e)
    outcomes = sticking_point_outcomes(ds, s, e)
    touched = outcomes[outcomes["events"] > 0]
    tariffs = tariff_summary(ds, s, e).set_index("imposing_side")
    return {
        "start": s, "end": e, "events": len(ev),
        "talks_rounds": int((rounds["type"] == "talks_round").sum()),
        "leaders_calls": int((rounds["type"] == "leaders_call").sum()),
        "summits": int((rounds["type"] == "summit").sum()),
        "sources": int(ds.event_sources[ds.event_sources["event_id"].isin(ev["id"])]["source_id"].nunique()),
        "sticking_points": len(touched),
        "agreed": int((touched["outcome"] == "agreed").sum()),
        "suspended": int((touched["outcome"] == "suspended").sum()),
        "open": int((touched["outcome"] == "open").sum()),
        "tariffs": tariffs,
    }


KIND_LABELS = {"news_article": "News article", "social_media_post": "Social media post", "court_ruling": "Court ruling",
               "court_order": "Court order", "executive_order": "Executive order", "proclamation": "Proclamation",
               "federal_register_notice": "Federal Register notice", "regulation": "Regulation",
               "joint_statement": "Joint statement", "fact_sheet": "Fact sheet", "press_release": "Press release",
               "transcript": "Transcript", "official_statement": "Official statement",
               "official_announcement": "Official announcement", "research_dataset": "Research dataset",
               "analysis": "Analysis"}


def source_numbers(ds: Dataset) -> dict[str, int]:
    """Each source's number in the book's list of sources (ordered by publication date, then id)."""
    order = ds.sources.sort_values(["published", "id"], kind="stable")["id"]
    return {sid: i for i, sid in enumerate(order, start=1)}


def source_label(row) -> str:
    """How a source is named to readers: 'CNBC, 15 April 2025' or, for an article whose outlet is not
    known, 'News article of 30 May 2025 (outlet not named)'. Never a file name or an internal id."""
    when = day_label(row["published"])
    if not pd.isna(row.get("published_latest")):
        when = f"{when} – {day_label(row['published_latest'])}"
    if row.get("publisher"):
        return f"{row['publisher']}, {when}"
    kind = KIND_LABELS.get(str(row["kind"]), "Document")
    return f"{kind} of {when} (outlet not named)" if str(row["kind"]) == "news_article" else f"{kind} of {when}"


def sources_with_events(ds: Dataset) -> pd.DataFrame:
    """Every source with the events that cite it, in the book's order (see :func:`source_numbers`)."""
    cites = ds.event_sources.merge(ds.events[["id", "start_date", "title"]], left_on="event_id", right_on="id")
    cites = cites.sort_values(["start_date", "event_id"])
    listed = cites.groupby("source_id", sort=False)["title"].agg(lambda x: "; ".join(x))
    count = cites.groupby("source_id").size()
    out = ds.sources.copy()
    out["events"] = out["id"].map(count).fillna(0).astype(int)
    out["cited_by"] = out["id"].map(listed).fillna("")
    out["number"] = out["id"].map(source_numbers(ds))
    out["label"] = [source_label(r) for _, r in out.iterrows()]
    return out.sort_values("number").reset_index(drop=True)


# ---------------------------------------------------------------------------- pages per item

def fan_out_items(ds: Dataset, kind: str, parameters: dict | None = None) -> list[tuple[str, str]]:
    """(id, title) of each item a repeated page is built for: every sticking point (or those in the
    page's ``sticking_points`` parameter), or every negotiation round in the page's window."""
    parameters = parameters or {}
    if kind == "sticking_points":
        points = only(ds, ds.sticking_points, "id", "sticking_points", parameters.get("sticking_points"))
        return list(zip(points["id"], points["name"]))
    if kind == "rounds":
        rounds = negotiation_rounds(ds, parameters.get("window_start"), parameters.get("window_end"))
        return list(zip(rounds["id"], rounds["label"]))
    raise QueryError(f"cannot repeat a page for {kind!r}: use sticking_points or rounds")
