"""The page of one negotiation round, call or summit."""
from __future__ import annotations

import pandas as pd

from ..analysis import queries as q
from ..data import Dataset
from .common import HTML, Markdown, Table, cite, day, md, page_links, pct, table


def round_event(ds: Dataset, round_id: str) -> pd.Series:
    rounds = q.negotiation_rounds(ds)
    if round_id not in set(rounds["id"]):
        raise q.QueryError(f"{round_id!r} is not a negotiation round; rounds: {', '.join(rounds['id'])}")
    return rounds.set_index("id").loc[round_id]


def round_summary(ds: Dataset, round_id: str) -> Markdown:
    r = round_event(ds, round_id)
    return md("**{title}** — {when}, {where}.\n\n{summary}", title=r["title"], when=q.date_label(r),
              where=r["location"] or "place not recorded", summary=r["summary"])


def round_neighbours(ds: Dataset, round_id: str, prefix: str = "") -> HTML | Markdown:
    rounds = q.negotiation_rounds(ds)
    i = list(rounds["id"]).index(round_id)
    items = []
    if i > 0:
        items.append((rounds["id"].iloc[i - 1], f"Previous: {rounds['label'].iloc[i - 1]} ({q.date_label(rounds.iloc[i - 1])})"))
    if i + 1 < len(rounds):
        items.append((rounds["id"].iloc[i + 1], f"Next: {rounds['label'].iloc[i + 1]} ({q.date_label(rounds.iloc[i + 1])})"))
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
    out = pd.DataFrame({"Sticking point": p["name"], "Status here": p["status"].astype(str),
                        "Until": p["expires"].map(day), "Note": p["note"]})
    return table(out, "What was on the table, and where each point ended up")


def round_changes_table(ds: Dataset, round_id: str) -> Table:
    """State before the round (the day before it began) and after it (the day before the next round, or the data's end)."""
    r = round_event(ds, round_id)
    rounds = q.negotiation_rounds(ds)
    i = list(rounds["id"]).index(round_id)
    before = r["start_date"] - pd.Timedelta(days=1)
    after = (rounds["start_date"].iloc[i + 1] - pd.Timedelta(days=1)) if i + 1 < len(rounds) else ds.window[1]
    rows = []
    for side, label in (("united_states", "US tariff on Chinese goods"), ("china", "Chinese tariff on US goods")):
        rows.append({"What": label, f"Before ({day(before)})": pct(q.tariff_in_force(ds, side, before)),
                     f"After ({day(after)})": pct(q.tariff_in_force(ds, side, after))})
    h = q.status_history(ds)
    touched = ds.event_sticking_points.loc[ds.event_sticking_points["event_id"] == round_id, "sticking_point_id"]
    for point_id in touched:
        ph = h[h["sticking_point_id"] == point_id]
        b = ph[ph["date"] <= before]
        a = ph[ph["date"] <= after]
        state = lambda x: "" if x.empty else str(x["status"].iloc[-1]) + (
            f" until {day(x['expires'].iloc[-1])}" if pd.notna(x["expires"].iloc[-1]) else "")
        rows.append({"What": ph["name"].iloc[0], f"Before ({day(before)})": state(b) or "not yet raised",
                     f"After ({day(after)})": state(a)})
    return table(pd.DataFrame(rows), "What changed: before the round and after it (up to the next round)")


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
