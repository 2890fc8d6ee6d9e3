"""The page of one negotiation round, call or summit."""
from __future__ import annotations

import pandas as pd

from ..analysis import queries as q
from ..analysis import states as st
from ..data import Dataset
from .common import HTML, Markdown, Table, cite, cite_events, day, escape, md, page_links, pct, plural, table


def round_event(ds: Dataset, round_id: str) -> pd.Series:
    rounds = q.negotiation_rounds(ds)
    if round_id not in set(rounds["id"]):
        raise q.QueryError(f"{round_id!r} is not a negotiation round; rounds: {', '.join(rounds['id'])}")
    return rounds.set_index("id").loc[round_id]


def round_summary(ds: Dataset, round_id: str) -> Markdown:
    r = round_event(ds, round_id)
    return md("**{title}** — {when}, {where}.\n\n{summary}", title=r["title"], when=q.date_label(r),
              where=r["location"] or "place not recorded", summary=r["summary"])


def round_neighbours(ds: Dataset, round_id: str, prefix: str = "", start=None, end=None) -> HTML | Markdown:
    """Links to the previous and the next round of the window (a custom report has pages for those only)."""
    round_event(ds, round_id)
    rounds = q.negotiation_rounds(ds, start, end)
    ids = list(rounds["id"])
    if round_id not in ids:
        return Markdown("")
    i = ids.index(round_id)
    items = []
    if i > 0:
        items.append((ids[i - 1], f"Previous: {rounds['label'].iloc[i - 1]}"))
    if i + 1 < len(rounds):
        items.append((ids[i + 1], f"Next: {rounds['label'].iloc[i + 1]}"))
    return page_links(items, prefix, "Other rounds")


def round_delegations_table(ds: Dataset, round_id: str) -> Table:
    round_event(ds, round_id)
    d = q.delegations(ds, round_id)
    rows = [{"Side": q.SIDE_LABELS[side], "Who": r["name"], "Role here": str(r["role"]).replace("_", " "), "Post": r["post"]}
            for side, frame in d.items() for _, r in frame.iterrows()]
    return table(pd.DataFrame(rows, columns=["Side", "Who", "Role here", "Post"]), "Who took part")


def round_points_table(ds: Dataset, round_id: str) -> Table:
    round_event(ds, round_id)
    p = ds.event_sticking_points[ds.event_sticking_points["event_id"] == round_id].merge(
        ds.sticking_points, left_on="sticking_point_id", right_on="id")
    out = pd.DataFrame({"Sticking point": p["name"],
                        "Status the round gave it": [st.event_status_label(x, y, z) for x, y, z in zip(p["status"], p["expires"], p["remains"])],
                        "Note": p["note"]})
    if not out["Note"].fillna("").astype(str).str.strip().any():
        out = out.drop(columns="Note")  # no note recorded: no empty column
    return table(out, "What was on the table, and the status the round itself gave each point")


def _duration(n: int) -> str:
    """'90 days'; 'a year' for 364 to 366 days (a suspension 'through' the day before the anniversary)."""
    return "a year" if 364 <= n <= 366 else plural(n, "day")


def _effective(ds: Dataset, row) -> pd.Timestamp:
    """The day a suspending event's measure took effect: the latest tariff step it set, or its last day."""
    steps = ds.tariff_steps.loc[ds.tariff_steps["event_id"] == row["event_id"], "in_force"]
    last = row["end_date"] if pd.notna(row["end_date"]) else row["start_date"]
    return max([last, *steps]) if len(steps) else last


def round_outcome(ds: Dataset, round_id: str) -> Markdown:
    """What came out of the round, from the events the record links to it as its outcome: when its
    measures had taken effect, how the headline tariffs moved from the day before the round to that day,
    and what was suspended, for how long and until when."""
    round_event(ds, round_id)
    out = q.round_outcomes(ds, round_id)
    before, after = q.round_before_after(ds, round_id)
    text = []
    if out.empty:
        text.append(f"The record links no outcome to this round; the comparison below is with the day it ended, **{day(after)}**.")
    else:
        done = out[out["status"].astype(str) != "scheduled"]
        last = "it" if len(out) == 1 else "the last of them"
        text.append(f"The record links {plural(len(out), 'event')} to this round as its outcome (listed below)"
                    + (f"; {last} had taken effect by **{day(after)}**." if len(done) else "."))
    moves = []
    for side, who in (("united_states", "the US additional tariff on Chinese goods"), ("china", "China's additional tariff on US goods")):
        x, y = q.tariff_in_force(ds, side, before), q.tariff_in_force(ds, side, after)
        moves.append(f"{who} went from **{pct(x)}** to **{pct(y)}**" if x != y else f"{who} stayed at **{pct(x)}**")
    text.append(f"From the day before the round ({day(before)}) to {day(after)}, {moves[0]} and {moves[1]}.")
    ids = [round_id, *out["event_id"]]
    steps = ds.tariff_steps[ds.tariff_steps["counts_in_headline"] & (ds.tariff_steps["in_force"] > before)
                            & (ds.tariff_steps["in_force"] <= after) & ~ds.tariff_steps["event_id"].isin(ids)]
    if len(steps):
        others = ds.events.set_index("id").loc[list(dict.fromkeys(steps["event_id"])), "title"]
        text.append("Not all of that came from the round: the record's tariff steps in between include "
                    + "; ".join(f"*{escape(t)}*" for t in others) + ".")
    sus = ds.event_sticking_points[ds.event_sticking_points["event_id"].isin(ids)
                                   & (ds.event_sticking_points["status"].astype(str) == "suspended")
                                   & ds.event_sticking_points["expires"].notna()]
    sus = sus.merge(ds.events[["id", "start_date", "end_date"]], left_on="event_id", right_on="id").merge(
        ds.sticking_points[["id", "name"]], left_on="sticking_point_id", right_on="id", suffixes=("", "_point"))
    for name, g in sus.groupby("name", sort=False):
        lengths = {_duration(int((x - _effective(ds, r)).days)) for x, (_, r) in zip(g["expires"], g.iterrows())}
        span = f" for **{lengths.pop()}**," if len(lengths) == 1 else ""
        text.append(f"{escape(name)}: suspended{span} until **{st.days(g['expires'])}**.")
    return Markdown(" ".join(text))


def round_outcomes_table(ds: Dataset, round_id: str) -> Table:
    """Each outcome event: its date, what it was, our summary, the link's note, and its sources."""
    round_event(ds, round_id)
    out = q.round_outcomes(ds, round_id)
    tbl = pd.DataFrame({
        "Date": [q.date_label(r) for _, r in out.iterrows()],
        "Outcome": [t + (" (scheduled; outcome not recorded)" if str(x) == "scheduled" else "") for t, x in zip(out["title"], out["status"])],
        "What it did": out["summary"],
        "Sources": cite_events(ds, out["event_id"]),
    })
    return table(tbl, "What came out of it: the events the record links to this round as its outcome")


def round_changes_table(ds: Dataset, round_id: str) -> Table:
    """The headline tariffs and the points the round or its outcome touched: their state the day before
    the round and once its outcome had taken effect (both days in the column titles)."""
    round_event(ds, round_id)
    before, after = q.round_before_after(ds, round_id)
    b_col, a_col = f"Before ({day(before)})", f"After ({day(after)})"
    rows = []
    for side, label in (("united_states", "US tariff on Chinese goods"), ("china", "Chinese tariff on US goods")):
        rows.append({"What": label, b_col: pct(q.tariff_in_force(ds, side, before)), a_col: pct(q.tariff_in_force(ds, side, after))})
    ids = [round_id, *q.round_outcomes(ds, round_id)["event_id"]]
    touched = ds.event_sticking_points.loc[ds.event_sticking_points["event_id"].isin(ids), "sticking_point_id"]
    hist = st.history(ds)
    for point_id in [p for p in ds.sticking_points["id"] if p in set(touched)]:
        b, a = st.point_state(ds, point_id, before, hist), st.point_state(ds, point_id, after, hist)
        rows.append({"What": a.name, b_col: b.label, a_col: a.label})
    return table(pd.DataFrame(rows, columns=["What", b_col, a_col]),
                 "Before the round and once its outcome had taken effect")


def round_statements_table(ds: Dataset, round_id: str) -> Table:
    round_event(ds, round_id)
    st = q.statements(ds)
    st = st[st["event_id"] == round_id]
    out = pd.DataFrame({"Who": st["name"], "Said": [f"“{t}”" if k == "quote" else t for t, k in zip(st["text"], st["kind"].astype(str))],
                        "Kind": st["kind"].astype(str), "Source": [cite(ds, [i]) for i in st["source_id"]]})
    return table(out, "What was said")


def round_sources_table(ds: Dataset, round_id: str) -> Table:
    round_event(ds, round_id)
    links = ds.event_sources[ds.event_sources["event_id"] == round_id].merge(
        q.sources_with_events(ds), left_on="source_id", right_on="id", suffixes=("", "_source"))
    out = pd.DataFrame({"#": [cite(ds, [i]) for i in links["source_id"]],
                        "Source": [f"{lab}: {t if o else f'[{t}]'}" for lab, t, o in zip(links["label"], links["title"], links["title_is_official"])],
                        "What it covers": links["note"]})
    return table(out, "Sources")
