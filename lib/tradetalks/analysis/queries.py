"""Questions the report's sections ask of the data. Every function takes a loaded Dataset."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..data import Dataset
from . import states
from .tariffs import TariffLevel, tariff_detail, tariff_in_force, tariff_series, tariff_summary  # noqa: F401
from .windows import QueryError, recorded_span, window  # noqa: F401

NEGOTIATION_TYPES = ("talks_round", "leaders_call", "negotiators_call", "summit")

#: The four families of event types the timeline draws in lanes (and the chronology counts).
EVENT_FAMILIES = {
    "Negotiation": ["talks_round", "leaders_call", "negotiators_call", "summit", "agreement"],
    "Tariffs and retaliation": ["tariff_action", "retaliation", "threat", "import_restriction"],
    "Export controls and sanctions": ["export_control", "sanction", "investigation", "visa_action"],
    "Statements and other": ["statement", "testimony", "court_ruling", "milestone", "third_party_deal",
                             "third_party_action", "multilateral_meeting"],
}
FAMILY_OF_TYPE = {t: fam for fam, types in EVENT_FAMILIES.items() for t in types}
NEGOTIATING_ROLES = ("leader", "lead_negotiator", "delegate")
SIDE_LABELS = {"united_states": "United States", "china": "China", "third_party": "Third parties"}


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
    return f"{s.day} {s:%B} – {fmt(e)}" if s.year == e.year else f"{fmt(s)} – {fmt(e)}"


def negotiation_rounds(ds: Dataset, start=None, end=None, types=NEGOTIATION_TYPES) -> pd.DataFrame:
    """Talks rounds, calls and summits that took place in the window (a planned one, with status
    ``scheduled``, is a date to watch, not a round), numbered within their type across the whole data.
    ``name`` is what the round is ('Geneva talks', 'Trump–Xi call'); ``label`` names it with its dates
    ('Geneva talks, 10–11 May 2025'): page titles, menu entries and links use it."""
    ev = ds.events[ds.events["status"].astype(str) != "scheduled"]
    allrounds = ev[ev["type"].isin(list(types))].copy()
    allrounds["number"] = allrounds.groupby("type", observed=True).cumcount() + 1
    allrounds["name"] = [round_name(ds, r) for r in allrounds.itertuples()]
    allrounds["label"] = [f"{n}, {date_label(r)}" for n, (_, r) in zip(allrounds["name"], allrounds.iterrows())]
    s, e = window(ds, start, end)
    return allrounds[_overlapping(allrounds, s, e)].reset_index(drop=True)


#: What each kind of round is called after its place or its people.
ROUND_KIND_WORDS = {"talks_round": "talks", "summit": "summit", "leaders_call": "call", "negotiators_call": "Negotiators' call"}


def short_name(ds: Dataset, actor_id: str) -> str:
    """How a person is called for short: a one-word short form among the actor's aliases that is part of
    the name ('Trump', 'Xi'), else the name."""
    name = ds.actors.set_index("id")["name"].get(actor_id, actor_id)
    al = ds.actor_aliases[(ds.actor_aliases["actor_id"] == actor_id) & (ds.actor_aliases["kind"].astype(str) == "short_form")]
    for alias in al["alias"]:
        if " " not in alias and alias in name.split():
            return alias
    return name


def round_name(ds: Dataset, r) -> str:
    """What a round is: 'Geneva talks', 'Busan summit', 'Trump–Xi call' (the leaders on the record, US
    side first), 'Negotiators' call'."""
    place = (r.location or "").split(",")[0].strip()
    if r.type in ("talks_round", "summit"):
        return f"{place} {ROUND_KIND_WORDS[r.type]}" if place else r.title
    if r.type == "leaders_call":
        links = ds.event_actors[(ds.event_actors["event_id"] == r.id) & (ds.event_actors["role"].astype(str) == "leader")]
        people = links.merge(ds.actors[["id", "side", "kind"]], left_on="actor_id", right_on="id")
        people = people[people["kind"].astype(str) == "person"]
        order = {s: i for i, s in enumerate(SIDE_LABELS)}
        people = people.sort_values("side", key=lambda c: c.astype(str).map(order), kind="stable")
        names = list(dict.fromkeys(short_name(ds, a) for a in people["actor_id"]))
        return f"{'–'.join(names)} call" if names else "Leaders' call"
    if r.type == "negotiators_call":
        return ROUND_KIND_WORDS[r.type]
    return r.title


def round_outcomes(ds: Dataset, round_id: str) -> pd.DataFrame:
    """The events the record links to a round as its outcome (``round_outcomes.csv``), in date order, with
    the link's note and the day each took effect (its last day)."""
    links = ds.round_outcomes[ds.round_outcomes["round_id"] == round_id]
    out = links.merge(ds.events, left_on="event_id", right_on="id", suffixes=("_link", "")).drop(columns="id")
    out["date"] = out["end_date"].fillna(out["start_date"])
    return out.sort_values(["start_date", "date", "event_id"], kind="stable").reset_index(drop=True)


def round_before_after(ds: Dataset, round_id: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The days a round's page compares: the day before it began, and the day its outcome had taken
    effect -- the latest day a tariff step set by an outcome event came into force, or the latest day an
    outcome event ended (outcomes still scheduled left out); the round's own last day when the record
    links no outcome to it."""
    ev = ds.events.set_index("id").loc[round_id]
    before = ev["start_date"] - pd.Timedelta(days=1)
    own_end = ev["end_date"] if pd.notna(ev["end_date"]) else ev["start_date"]
    out = round_outcomes(ds, round_id)
    out = out[out["status"].astype(str) != "scheduled"]
    candidates = [own_end, *out["date"]]
    steps = ds.tariff_steps[ds.tariff_steps["event_id"].isin(out["event_id"])]
    candidates += list(steps["in_force"])
    return before, max(candidates)


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
    """Every status a sticking point (or each of them) had in the window, in the order they took effect,
    with the event that set it (scheduled events set none). A status holds from the day its event ended
    (a round's outcome comes at its close); see :func:`states.history`."""
    s, e = window(ds, start, end)
    h = states.history(ds)
    if sticking_point_id is not None:
        check_ids(ds, "sticking_points", [sticking_point_id])
        h = h[h["sticking_point_id"] == sticking_point_id]
    return h[(h["date"] >= s) & (h["date"] <= e)].reset_index(drop=True)


#: The three groups the outcome chart draws (kept for it; pages use the states of :mod:`states`).
OUTCOME_LABELS = {"agreed": "Settled by agreement", "suspended": "Suspended", "open": "Still open"}
_OUTCOME_OF_KIND = {"agreed": "agreed", "closed": "agreed", "suspended": "suspended"}


def sticking_point_outcomes(ds: Dataset, start=None, end=None) -> pd.DataFrame:
    """For each sticking point: its state on the window's end (or the data's as-of date if earlier), as
    :func:`states.point_states` reads it, with the number of events that touched it in the window, and
    the coarse ``outcome`` (agreed, suspended, open) the outcome chart groups by."""
    s, e = window(ds, start, end)
    on = states.as_of(ds, e)
    st = states.point_states(ds, on, s, e)
    return pd.DataFrame({
        "sticking_point_id": st["sticking_point_id"], "name": st["name"],
        "category": st["sticking_point_id"].map(ds.sticking_points.set_index("id")["category"]),
        "last_status": st["status"].replace("", None), "state": st["kind"], "state_label": st["label"],
        "expires": [x[-1] if x else pd.NaT for x in st["expires"]], "as_of": st["since"], "since": st["since"],
        "last_event": st["last_event"], "last_event_id": st["last_event_id"],
        "outcome": st["kind"].map(_OUTCOME_OF_KIND).fillna("open"), "events": st["events"], "on": on,
    })


def status_matrix(ds: Dataset, start=None, end=None) -> pd.DataFrame:
    """Sticking point x negotiation round: the status each round gave the point (long form, for a heatmap)."""
    rounds = negotiation_rounds(ds, start, end)
    h = ds.event_sticking_points.merge(rounds[["id", "label", "start_date"]], left_on="event_id", right_on="id").drop(columns="id")
    return h.merge(ds.sticking_points[["id", "name"]], left_on="sticking_point_id", right_on="id").drop(columns="id")


# ---------------------------------------------------------------------------- overview

ROUND_TYPE_WORDS = {"talks_round": ("round of formal talks", "rounds of formal talks"),
                    "leaders_call": ("leaders' call", "leaders' calls"),
                    "negotiators_call": ("negotiators' call", "negotiators' calls"),
                    "summit": ("summit", "summits")}


def headline_figures(ds: Dataset, start=None, end=None) -> dict:
    """Counts and tariffs for a window: events, sources, rounds by type, the sticking points touched and
    their states on the window's end (or the as-of date if earlier), the headline tariffs' summary."""
    s, e = window(ds, start, end)
    on = states.as_of(ds, e)
    ev = events_between(ds, s, e)
    occurred = ev[ev["status"].astype(str) != "scheduled"]
    rounds = negotiation_rounds(ds, s, e)
    st = states.point_states(ds, on, s, e)
    touched = st[st["events"] > 0]
    tariffs = tariff_summary(ds, s, min(e, on)).set_index("imposing_side")
    by_type = {t: int((rounds["type"] == t).sum()) for t in NEGOTIATION_TYPES}
    return {
        "start": s, "end": e, "as_of": on, "events": len(ev), "occurred": len(occurred),
        "scheduled": len(ev) - len(occurred),
        "rounds": by_type, "talks_rounds": by_type["talks_round"], "leaders_calls": by_type["leaders_call"],
        "negotiators_calls": by_type["negotiators_call"], "summits": by_type["summit"],
        "sources": int(ds.event_sources[ds.event_sources["event_id"].isin(ev["id"])]["source_id"].nunique()),
        "sticking_points": len(touched),
        "states": touched["kind"].value_counts().to_dict(),
        "tariffs": tariffs,
    }


@dataclass(frozen=True)
class TariffStanding:
    """One side's additional tariffs on the other's goods on a day."""
    side: str
    on: pd.Timestamp
    headline: float               # across the board (the sum of the headline layers)
    since: pd.Timestamp | None    # the day the headline took this value (None: before any step)
    layers: dict                  # headline layers in force (rate > 0): measure -> rate
    selected: int                 # layers on selected goods in force (rate > 0)
    selected_max: float           # the highest of their rates
    selected_bases: tuple         # their legal bases, in the data's order


def tariff_standing(ds: Dataset, side: str, on) -> TariffStanding:
    """The tariff ``side`` applied to the other's goods on ``on``: the headline, since when, its layers,
    and the layers on selected goods that the headline leaves out."""
    level = tariff_detail(ds, side, on)
    steps = ds.tariff_steps[(ds.tariff_steps["imposing_side"] == side) & (ds.tariff_steps["in_force"] <= level.date)]
    head = steps[steps["counts_in_headline"]]
    since = None
    for d in sorted(set(head["in_force"]), reverse=True):
        if tariff_in_force(ds, side, d - pd.Timedelta(days=1)) != level.rate_pct:
            since = d
            break
    latest = steps.sort_values("in_force", kind="stable").groupby("measure").tail(1)
    sel = latest[~latest["counts_in_headline"] & (latest["rate_pct"] > 0)]
    return TariffStanding(side, level.date, level.rate_pct, since,
                          {m: r for m, r in level.measures.items() if r > 0}, len(sel),
                          float(sel["rate_pct"].max()) if len(sel) else 0.0,
                          tuple(dict.fromkeys(sel["legal_basis"].astype(str))))


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
    page's ``sticking_points`` parameter), every negotiation round in the page's window, or each part
    of the chronology of the window or of the list of sources (see :mod:`.parts`)."""
    from .parts import chronology_parts, source_parts  # parts builds on this module

    parameters = parameters or {}
    if kind == "sticking_points":
        points = only(ds, ds.sticking_points, "id", "sticking_points", parameters.get("sticking_points"))
        return list(zip(points["id"], points["name"]))
    if kind == "rounds":
        rounds = negotiation_rounds(ds, parameters.get("window_start"), parameters.get("window_end"))
        return list(zip(rounds["id"], rounds["label"]))
    if kind == "chronology":
        return [(p.id, p.title) for p in chronology_parts(
            ds, parameters.get("window_start"), parameters.get("window_end"), parameters.get("event_types"),
            parameters.get("sticking_points"), parameters.get("actors"))]
    if kind == "sources":
        return [(p.id, p.title) for p in source_parts(ds)]
    raise QueryError(f"cannot repeat a page for {kind!r}: use sticking_points, rounds, chronology or sources")
