"""The actors page: who took part, alongside whom, and what officials said."""
from __future__ import annotations

import pandas as pd

from ..analysis import queries as q
from ..data import Dataset
from .common import Markdown, Table, cite, day, escape, plural, table


def roster_table(ds: Dataset, s, e, side: str = "") -> Table:
    r = q.roster(ds, s, e)
    if side:
        if side not in q.SIDE_LABELS:
            raise q.QueryError(f"side must be one of {', '.join(q.SIDE_LABELS)}, not {side!r}")
        r = r[r["side"] == side]
    out = pd.DataFrame({
        "Side": r["side_label"],
        "Name": r["name"],
        "Native name": r["name_native"],
        "Post or role": r["post"],
        "Organisation": r["organisation"],
        "Events": r["events"],
    })
    return table(out, "Who's who")


def roster_summary(ds: Dataset, s, e) -> Markdown:
    r = q.roster(ds, s, e)
    people = r[r["kind"] == "person"]
    by = people.groupby("side_label", observed=True).size()
    lead = q.counterparts(ds, s, e)
    text = ("**{n}** take part in the window's events: {sides}. ").format(
        n=plural(len(people), "person", "people"),
        sides=" and ".join(f"{v} from {'the ' if k == 'United States' else ''}{escape(k) if k != 'Third parties' else 'third parties'}"
                           for k, v in by.items()))
    if len(lead):
        top = lead.iloc[0]
        text += "The most frequent pair across the table is **{a}** and **{b}**, together at {n}.".format(
            a=escape(top["name_us"]), b=escape(top["name_cn"]), n=plural(int(top["meetings"]), "round"))
    return Markdown(text)


def delegations_table(ds: Dataset, s, e) -> Table:
    r = q.negotiation_rounds(ds, s, e)
    rows = []
    for _, ev in r.iterrows():
        d = q.delegations(ds, ev["id"])
        fmt = lambda df: "; ".join(f"{n} ({role.replace('_', ' ')})" for n, role in zip(df["name"], df["role"].astype(str)))
        rows.append({"Round": ev["label"], "Date": q.date_label(ev), "United States": fmt(d["united_states"]),
                     "China": fmt(d["china"]), "Host or others": fmt(d["third_party"])})
    return table(pd.DataFrame(rows, columns=["Round", "Date", "United States", "China", "Host or others"]),
                  "Each side's people at each round")


def counterparts_table(ds: Dataset, s, e) -> Table:
    c = q.counterparts(ds, s, e)
    out = pd.DataFrame({"United States": c["name_us"], "China": c["name_cn"], "Rounds together": c["meetings"],
                        "Where": c["rounds"]})
    return table(out, "Who met whom across the table")


def statements_table(ds: Dataset, s, e, actors=None) -> Table:
    st = q.statements(ds, s, e, actors=actors or None)
    said = [f"“{t}”" if k == "quote" else t for t, k in zip(st["text"], st["kind"].astype(str))]
    out = pd.DataFrame({
        "Date": [day(d) if pd.isna(dl) else f"{day(d)} – {day(dl)}" for d, dl in zip(st["date"], st["date_latest"])],
        "Who": st["name"],
        "Said": said,
        "Kind": st["kind"].astype(str),
        "Source": [cite(ds, [i]) for i in st["source_id"]],
        "Note": st["note"],
    })
    return table(out, "Attributed statements (quotes are the official's words as the source reports them)")
