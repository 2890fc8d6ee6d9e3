"""The overview page: where things stand at the window's end, the rounds, the tariffs."""
from __future__ import annotations

import pandas as pd

from ..analysis import queries as q
from ..data import Dataset
from .common import Markdown, Table, day, md, pct, plural, table
from .sticking_points import outcomes_table  # noqa: F401  (shown on the overview too)


def overview_summary(ds: Dataset, s, e) -> Markdown:
    h = q.headline_figures(ds, s, e)
    t = h["tariffs"]
    us, cn = t.loc["united_states"], t.loc["china"]
    return md(
        "Between **{start}** and **{end}** the data records **{events}** drawn from **{sources}**. "
        "The two governments held **{talks}** of formal talks, their presidents spoke in **{calls}** "
        "and met at **{summits}**.\n\n"
        "The headline additional US tariff on Chinese goods stood at **{us_start}** at the start of the window, "
        "peaked at **{us_peak}** on {us_peak_day} and ended at **{us_end}**. China's additional tariff on US goods "
        "went from **{cn_start}** to a peak of **{cn_peak}** on {cn_peak_day} and ended at **{cn_end}**.\n\n"
        "Of the **{points}** touched in the window, **{agreed}** settled by agreement, **{suspended}** suspended "
        "and **{open}** still open at its end.",
        start=day(h["start"]), end=day(h["end"]), events=plural(h["events"], "event"),
        sources=plural(h["sources"], "source"), talks=plural(h["talks_rounds"], "round"),
        calls=plural(h["leaders_calls"], "phone call"), summits=plural(h["summits"], "summit"),
        us_start=pct(us["start"]), us_peak=pct(us["peak"]), us_peak_day=day(us["peak_date"]), us_end=pct(us["end"]),
        cn_start=pct(cn["start"]), cn_peak=pct(cn["peak"]), cn_peak_day=day(cn["peak_date"]), cn_end=pct(cn["end"]),
        points=plural(h["sticking_points"], "sticking point"), agreed=plural(h["agreed"], "was", "were"),
        suspended=plural(h["suspended"], "was", "were"), open=plural(h["open"], "was", "were"),
    )


def rounds_table(ds: Dataset, s, e) -> Table:
    r = q.negotiation_rounds(ds, s, e)
    who = {}
    for event_id in r["id"]:
        d = q.delegations(ds, event_id)
        names = lambda df: "; ".join(df.loc[df["role"].isin(q.NEGOTIATING_ROLES), "name"])
        who[event_id] = (names(d["united_states"]), names(d["china"]))
    out = pd.DataFrame({
        "Date": [q.date_label(row) for _, row in r.iterrows()],
        "Round": r["label"],
        "Where": r["location"].fillna(""),
        "United States": [who[i][0] for i in r["id"]],
        "China": [who[i][1] for i in r["id"]],
        "What happened": r["title"],
    })
    return table(out, "Negotiation rounds, leaders' calls and summits")


def tariff_table(ds: Dataset, s, e) -> Table:
    t = q.tariff_summary(ds, s, e)
    out = pd.DataFrame({
        "Tariff": t["side_label"],
        f"On {day(s)}": t["start"].map(pct),
        "Peak": t["peak"].map(pct),
        "Peak reached": t["peak_date"].map(day),
        f"On {day(e)}": t["end"].map(pct),
    })
    return table(out, "Headline additional tariffs at the start, peak and end of the window")
