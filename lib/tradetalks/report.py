"""What the section notebooks display: set-up, prose with numbers from the data, and the tables.

Notebooks stay thin: each cell calls one function here (or in :mod:`tradetalks.charts`) and shows
its result. Text from the data is escaped wherever it is shown, so HTML, script or Markdown in a
title or a quote appears literally.
"""
from __future__ import annotations

import html
import re

import pandas as pd
from IPython.display import HTML, Markdown

from . import charts, queries as q, render
from .load import Dataset, load_cached

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|$~&:\"'])")


def escape(value) -> str:
    """Text from the data, made inert for Markdown/MyST: every special character backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def md(template: str, **values) -> Markdown:
    """Markdown prose from a template written by us, with values from the data escaped."""
    return Markdown(template.format(**{k: escape(v) if isinstance(v, str) else v for k, v in values.items()}))


def setup(data_dir: str = "", window_start: str = "", window_end: str = "") -> tuple[Dataset, pd.Timestamp, pd.Timestamp]:
    """Enable the offline chart renderer and theme, load (and validate) the data, check the window."""
    render.enable()
    charts.enable_theme()
    pd.set_option("display.max_colwidth", None)
    ds = load_cached(data_dir)
    s, e = q.window(ds, window_start, window_end)
    return ds, s, e


day = q.day_label


def pct(x: float) -> str:
    return f"{x:g}%"


#: Rows a table shows at most; beyond that the page would outgrow a reader (and 150 KB), and the
#: full table is one click away in the published data files.
MAX_ROWS = 300
#: Items listed in one cell at most (e.g. the events citing a source).
MAX_ITEMS = 12


def _table(df: pd.DataFrame, caption: str) -> render.Table | Markdown:
    """The table (its first MAX_ROWS rows, saying so), or a line saying there is nothing to show."""
    if df.empty:
        return md("**{caption}**: nothing recorded for this selection.", caption=caption)
    if len(df) > MAX_ROWS:
        caption = f"{caption} (first {MAX_ROWS} of {len(df)} rows; all of them are in the data files)"
        df = df.head(MAX_ROWS)
    return render.table_html(df.reset_index(drop=True), caption=caption)


def _short_list(text: str, sep: str = "; ") -> str:
    """A long 'a; b; c; ...' list cut to MAX_ITEMS items, saying how many more there are."""
    items = text.split(sep) if text else []
    if len(items) <= MAX_ITEMS:
        return text
    return sep.join(items[:MAX_ITEMS]) + f"{sep}and {len(items) - MAX_ITEMS} more"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


# ---------------------------------------------------------------------------- overview

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


def rounds_table(ds: Dataset, s, e) -> render.Table:
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
    return _table(out, "Negotiation rounds, leaders' calls and summits")


def tariff_table(ds: Dataset, s, e) -> render.Table:
    t = q.tariff_summary(ds, s, e)
    out = pd.DataFrame({
        "Tariff": t["side_label"],
        f"On {day(s)}": t["start"].map(pct),
        "Peak": t["peak"].map(pct),
        "Peak reached": t["peak_date"].map(day),
        f"On {day(e)}": t["end"].map(pct),
    })
    return _table(out, "Headline additional tariffs at the start, peak and end of the window")


def outcomes_table(ds: Dataset, s, e, sticking_points=None) -> render.Table:
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
    return _table(out, f"Where each sticking point stood on {day(e)}")


# ---------------------------------------------------------------------------- timeline

def phases_table(ds: Dataset, s, e) -> render.Table:
    ph = ds.phases[(ds.phases["end_date"] >= s) & (ds.phases["start_date"] <= e)]
    opening = ds.events.set_index("id")["title"]
    out = pd.DataFrame({
        "Phase": ph["name"],
        "From": ph["start_date"].map(day),
        "To": ph["end_date"].map(day),
        "Opened by": ph["opening_event_id"].map(opening),
        "What marks it": ph["description"],
    })
    return _table(out, "Phases of the conflict")


def timeline_summary(ds: Dataset, s, e, types=None, sticking_points=None, actors=None) -> Markdown:
    ev = q.events_between(ds, s, e, types=types or None, sticking_points=sticking_points or None, actors=actors or None)
    if ev.empty:
        return Markdown(f"No event between {day(s)} and {day(e)} matches this selection.")
    counts = ev["type"].astype(str).map(charts.FAMILY_OF_TYPE).value_counts()
    parts = ", ".join(f"{n} {fam.lower()}" for fam, n in counts.items())
    first, last = ev.iloc[0], ev.iloc[-1]
    return md("The window holds **{n}**: {parts}. The first is *{first}* ({first_day}); the last is *{last}* ({last_day}).",
              n=plural(len(ev), "event"), parts=parts, first=first["title"], first_day=q.date_label(first),
              last=last["title"], last_day=q.date_label(last))


def event_table(ds: Dataset, s, e, types=None, sticking_points=None, actors=None) -> render.Table:
    ev = q.events_between(ds, s, e, types=types or None, sticking_points=sticking_points or None, actors=actors or None)
    out = pd.DataFrame({
        "Date": [q.date_label(r) for _, r in ev.iterrows()],
        "Type": ev["type"].astype(str).str.replace("_", " "),
        "Event": ev["title"],
        "What happened": ev["summary"],
        "Who": ev["actors"],
        "Sources": ev["sources"],
    })
    return _table(out, "Chronology of events")


def measure_label(measure: str) -> str:
    """'reciprocal_ieepa' -> 'Reciprocal (IEEPA)': words capitalised, a trailing legal basis in capitals."""
    words = measure.split("_")
    if len(words) > 1 and words[-1] in {"ieepa", "s301", "s232"}:
        return " ".join(words[:-1]).capitalize() + f" ({words[-1].upper()})"
    return " ".join(words).capitalize()


def tariff_steps_table(ds: Dataset, s, e) -> render.Table:
    t = ds.tariff_steps[(ds.tariff_steps["in_force"] >= s) & (ds.tariff_steps["in_force"] <= e)]
    sides = {"united_states": "United States", "china": "China"}
    out = pd.DataFrame({
        "In force": t["in_force"].map(day),
        "Imposed by": t["imposing_side"].map(sides),
        "Measure": t["measure"].map(measure_label),
        "Goods": t["scope"].map({"all_goods": "all", "selected_goods": "selected"}),
        "Rate": t["rate_pct"].map(pct),
        "In headline": t["counts_in_headline"].map({True: "yes", False: "no"}),
        "Headline after": [pct(q.tariff_in_force(ds, side, d)) for side, d in zip(t["imposing_side"], t["in_force"])],
        "Source": t["source_id"],
    })
    return _table(out, "Every tariff step in the window")


# ---------------------------------------------------------------------------- actors

def roster_table(ds: Dataset, s, e, side: str = "") -> render.Table:
    r = q.roster(ds, s, e)
    if side:
        if side not in q.SIDE_LABELS:
            raise q.QueryError(f"side must be one of {', '.join(q.SIDE_LABELS)}, not {side!r}")
        r = r[r["side"] == side]
    out = pd.DataFrame({
        "Side": r["side_label"],
        "Name": r["name"],
        "Native name": r["name_native"],
        "Post or role in 2025": r["role_2025"],
        "Organisation": r["organisation"],
        "Events": r["events"],
    })
    return _table(out, "Who's who")


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


def delegations_table(ds: Dataset, s, e) -> render.Table:
    r = q.negotiation_rounds(ds, s, e)
    rows = []
    for _, ev in r.iterrows():
        d = q.delegations(ds, ev["id"])
        fmt = lambda df: "; ".join(f"{n} ({role.replace('_', ' ')})" for n, role in zip(df["name"], df["role"].astype(str)))
        rows.append({"Round": ev["label"], "Date": q.date_label(ev), "United States": fmt(d["united_states"]),
                     "China": fmt(d["china"]), "Host or others": fmt(d["third_party"])})
    return _table(pd.DataFrame(rows, columns=["Round", "Date", "United States", "China", "Host or others"]),
                  "Each side's people at each round")


def counterparts_table(ds: Dataset, s, e) -> render.Table:
    c = q.counterparts(ds, s, e)
    out = pd.DataFrame({"United States": c["name_us"], "China": c["name_cn"], "Rounds together": c["meetings"],
                        "Where": c["rounds"]})
    return _table(out, "Who met whom across the table")


def statements_table(ds: Dataset, s, e, actors=None) -> render.Table:
    st = q.statements(ds, s, e, actors=actors or None)
    said = [f"“{t}”" if k == "quote" else t for t, k in zip(st["text"], st["kind"].astype(str))]
    out = pd.DataFrame({
        "Date": [day(d) if pd.isna(dl) else f"{day(d)} – {day(dl)}" for d, dl in zip(st["date"], st["date_latest"])],
        "Who": st["name"],
        "Said": said,
        "Kind": st["kind"].astype(str),
        "Source": st["source_id"],
        "Note": st["note"],
    })
    return _table(out, "Attributed statements (quotes are the official's words as the source reports them)")


# ---------------------------------------------------------------------------- sticking points

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


def sticking_points_table(ds: Dataset) -> render.Table:
    sp = ds.sticking_points
    out = pd.DataFrame({"Sticking point": sp["name"], "Category": sp["category"].astype(str).str.replace("_", " "),
                        "What it is about": sp["description"]})
    return _table(out, "The sticking points")


def status_history_table(ds: Dataset, s, e, sticking_points=None) -> render.Table:
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
    return _table(out, "Status history of every sticking point")


# ---------------------------------------------------------------------------- data and sources

def data_dictionary_table(ds: Dataset) -> render.Table:
    rows = []
    for res in ds.schema.resources:
        for f in res.fields:
            allowed = ", ".join(f.enum) if f.enum else (f"pattern {f.pattern}" if f.pattern else "")
            rows.append({"Table": res.path, "Field": f.name, "Type": f.type, "Required": "yes" if f.required else "",
                         "Allowed values": allowed, "Meaning": f.description})
    return _table(pd.DataFrame(rows), "Data dictionary (from data/datapackage.json)")


def tables_table(ds: Dataset, data_url: str = "") -> render.Table | Markdown:
    rows = []
    for res in ds.schema.resources:
        rows.append({"File": res.path, "Rows": len(ds.table(res.name)), "What it holds": res.description,
                     "Key": " + ".join(res.primary_key)})
    return _table(pd.DataFrame(rows), "The data tables")


def download_links(ds: Dataset, data_url: str = "") -> Markdown:
    """Links to the data files as published with the site (``data_url``), or where they are on disk."""
    files = ["datapackage.json"] + [r.path for r in ds.schema.resources]
    if not data_url:
        return md("The files are in the data folder `{path}`.", path=str(ds.data_dir))
    links = " · ".join(f"[{escape(f)}]({data_url.rstrip('/')}/{f})" for f in files)
    return Markdown(f"Download: {links}")


def sources_table(ds: Dataset) -> render.Table:
    src = q.sources_with_events(ds)
    titles = [t if official else f"[{t}]" for t, official in zip(src["title"], src["title_is_official"])]
    out = pd.DataFrame({
        "Id": src["id"],
        "Source": [f"{t} — {p}" if p else t for t, p in zip(titles, src["publisher"])],
        "Published": [day(p) if pd.isna(pl) else f"{day(p)} – {day(pl)}" for p, pl in zip(src["published"], src["published_latest"])],
        "Reference": [" ".join(x for x in (r, u) if x) for r, u in zip(src["reference"], src["url"])],
        "Kind": src["kind"].astype(str).str.replace("_", " "),
        "Cited by": src["cited_by"].map(_short_list),
    })
    # The reference column holds long file names and addresses: its own class lets them wrap anywhere.
    return render.Table(out.reset_index(drop=True), "Every source and the events that cite it (titles in brackets are our descriptions)",
                        classes=("sources-table",))


def discrepancies_table(ds: Dataset) -> render.Table:
    d = ds.discrepancies
    out = pd.DataFrame({"Source": d["source_id"], "About": d["topic"], "The source says": d["source_says"],
                        "Other sources or the record": d["record_says"], "How the data handles it": d["handling"]})
    return _table(out, "Discrepancies between sources, and how they are recorded")


def date_notes_table(ds: Dataset, s, e) -> render.Table:
    ev = q.events_between(ds, s, e)
    ev = ev[ev["date_note"] != ""]
    out = pd.DataFrame({"Event": ev["title"], "Date": [q.date_label(r) for _, r in ev.iterrows()],
                        "How the date was established": ev["date_note"]})
    return _table(out, "Dates resolved from relative phrases or undated sources")


def aliases_table(ds: Dataset) -> render.Table:
    a = ds.actor_aliases.merge(ds.actors[["id", "name"]], left_on="actor_id", right_on="id")
    a = a[a["kind"].astype(str).isin(["misspelling", "title_form", "variant"]) & (a["source_id"] != "")]
    out = pd.DataFrame({"Spelling in the source": a["alias"], "Actor": a["name"], "Kind": a["kind"].astype(str).str.replace("_", " "),
                        "Source": a["source_id"], "Note": a["note"]})
    return _table(out, "How the sources name the actors")


# ---------------------------------------------------------------------------- links between pages

def page_links(items: list[tuple[str, str]], prefix: str, caption: str) -> HTML | Markdown:
    """A list of links to the pages built per item (``{prefix}-{id}.html``); plain names when no prefix."""
    if not items:
        return Markdown("")
    if not prefix:
        return Markdown(f"{escape(caption)}: " + "; ".join(escape(t) for _, t in items))
    links = "".join(f'<li><a href="{html.escape(prefix)}-{html.escape(i)}.html">{html.escape(t)}</a></li>' for i, t in items)
    return HTML(f'<nav class="tradetalks-links" aria-label="{html.escape(caption)}"><p><strong>{html.escape(caption)}</strong></p>'
                f"<ul>{links}</ul></nav>")


# ---------------------------------------------------------------------------- one sticking point

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


def point_events_table(ds: Dataset, s, e, point_id: str) -> render.Table:
    h = q.status_history(ds, point_id, s, e)
    src = ds.event_sources.groupby("event_id")["source_id"].agg("; ".join)
    out = pd.DataFrame({
        "Date": h["date"].map(day),
        "Event": h["title"],
        "Status": h["status"].astype(str),
        "Until": h["expires"].map(day),
        "Note": h["note"],
        "Sources": h["event_id"].map(src).fillna(""),
    })
    return _table(out, "Events that touched this sticking point, with the status each gave it")


def point_actors_table(ds: Dataset, s, e, point_id: str) -> render.Table:
    ev = q.events_between(ds, s, e, sticking_points=[point_id])
    links = ds.event_actors[ds.event_actors["event_id"].isin(ev["id"])].merge(ds.actors, left_on="actor_id", right_on="id")
    links = links[links["side"].isin(["united_states", "china"]) & ~links["role"].isin(["host", "subject"])]
    g = (links.groupby(["side", "name"], observed=True)
         .agg(events=("event_id", "nunique"), roles=("role", lambda r: ", ".join(sorted({str(x).replace("_", " ") for x in r}))))
         .reset_index().sort_values(["side", "events", "name"], ascending=[True, False, True]))
    out = pd.DataFrame({"Side": g["side"].map(q.SIDE_LABELS), "Who": g["name"], "Events": g["events"], "Roles": g["roles"]})
    return _table(out, "Who pushed it, on each side (hosts left out)")


def point_sources_table(ds: Dataset, s, e, point_id: str) -> render.Table:
    ev = q.events_between(ds, s, e, sticking_points=[point_id])
    ids = ds.event_sources[ds.event_sources["event_id"].isin(ev["id"])]["source_id"].unique()
    src = ds.sources[ds.sources["id"].isin(ids)]
    out = pd.DataFrame({"Id": src["id"],
                        "Source": [t if o else f"[{t}]" for t, o in zip(src["title"], src["title_is_official"])],
                        "Published": src["published"].map(day)})
    return _table(out, "Sources for this sticking point")


# ---------------------------------------------------------------------------- one negotiation round

def _round(ds: Dataset, round_id: str) -> pd.Series:
    rounds = q.negotiation_rounds(ds)
    if round_id not in set(rounds["id"]):
        raise q.QueryError(f"{round_id!r} is not a negotiation round; rounds: {', '.join(rounds['id'])}")
    return rounds.set_index("id").loc[round_id]


def round_summary(ds: Dataset, round_id: str) -> Markdown:
    r = _round(ds, round_id)
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


def round_delegations_table(ds: Dataset, round_id: str) -> render.Table:
    _round(ds, round_id)
    d = q.delegations(ds, round_id)
    rows = [{"Side": q.SIDE_LABELS[side], "Who": r["name"], "Role here": str(r["role"]).replace("_", " "), "Post": r["role_2025"]}
            for side, frame in d.items() for _, r in frame.iterrows()]
    return _table(pd.DataFrame(rows, columns=["Side", "Who", "Role here", "Post"]), "Who took part")


def round_points_table(ds: Dataset, round_id: str) -> render.Table:
    _round(ds, round_id)
    p = ds.event_sticking_points[ds.event_sticking_points["event_id"] == round_id].merge(
        ds.sticking_points, left_on="sticking_point_id", right_on="id")
    out = pd.DataFrame({"Sticking point": p["name"], "Status here": p["status"].astype(str),
                        "Until": p["expires"].map(day), "Note": p["note"]})
    return _table(out, "What was on the table, and where each point ended up")


def round_changes_table(ds: Dataset, round_id: str) -> render.Table:
    """State before the round (the day before it began) and after it (the day before the next round, or the data's end)."""
    r = _round(ds, round_id)
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
    return _table(pd.DataFrame(rows), "What changed: before the round and after it (up to the next round)")


def round_statements_table(ds: Dataset, round_id: str) -> render.Table:
    _round(ds, round_id)
    st = q.statements(ds)
    st = st[st["event_id"] == round_id]
    out = pd.DataFrame({"Who": st["name"], "Said": [f"“{t}”" if k == "quote" else t for t, k in zip(st["text"], st["kind"].astype(str))],
                        "Kind": st["kind"].astype(str), "Source": st["source_id"]})
    return _table(out, "What was said")


def round_sources_table(ds: Dataset, round_id: str) -> render.Table:
    _round(ds, round_id)
    links = ds.event_sources[ds.event_sources["event_id"] == round_id].merge(ds.sources, left_on="source_id", right_on="id")
    out = pd.DataFrame({"Id": links["source_id"],
                        "Source": [t if o else f"[{t}]" for t, o in zip(links["title"], links["title_is_official"])],
                        "What it covers": links["note_x"]})
    return _table(out, "Sources")


def rounds_links(ds: Dataset, s, e, prefix: str = "") -> HTML | Markdown:
    r = q.negotiation_rounds(ds, s, e)
    return page_links([(i, f"{lab} ({q.date_label(row)})") for i, lab, (_, row) in zip(r["id"], r["label"], r.iterrows())],
                      prefix, "Each round, call and summit")


def points_links(ds: Dataset, sticking_points=None, prefix: str = "") -> HTML | Markdown:
    points = q.only(ds, ds.sticking_points, "id", "sticking_points", sticking_points)
    return page_links(list(zip(points["id"], points["name"])), prefix, "Each sticking point")
