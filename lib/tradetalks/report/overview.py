"""The overview page: where things stand first (key numbers, a few sentences, dates to watch), then the
story by phase, the window in numbers, the rounds, the tariffs and the sticking points.

Every sentence is computed for the page's window: rounds named are those in it, a clause about a count
of zero is left out, singular and plural follow the count, and a "peak" is named only when there is one.
"""
from __future__ import annotations

import pandas as pd

from .. import escaping
from ..analysis import queries as q
from ..analysis import states as st
from ..data import Dataset
from .common import Markdown, Table, cite, day, escape, md, pct, plural, table
from .sticking_points import outcomes_table  # noqa: F401  (shown on the overview too)
from .timeline import measure_label

SIDE_WORDS = {"united_states": ("US", "Chinese goods", "the United States"), "china": ("China's", "US goods", "China")}
BASIS_WORDS = {"ieepa": "IEEPA", "section_301": "Section 301", "section_232": "Section 232", "section_122": "Section 122",
               "de_minimis": "small-parcel duties", "china_tariff_law": "tariff law",
               "china_counter_measures": "targeted counter-tariffs"}


def join_words(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _layers(standing: q.TariffStanding) -> str:
    return join_words([f"{measure_label(m)} {pct(r)}" for m, r in standing.layers.items()])


# ---------------------------------------------------------------------------- introduction

def introduction(ds: Dataset, s, e) -> Markdown:
    """What the report covers, computed for its window: dates, phases, and the rounds in it by place."""
    on = st.as_of(ds, e)
    text = f"This report follows the trade conflict between the United States and China from **{day(s)}** to **{day(e)}**"
    if on < e:
        text += (f", as the record stood on **{day(on)}**, the day it was last checked (what it shows after that "
                 "day are plans and deadlines)")
    text += "."
    phases = ds.phases[(ds.phases["end_date"] >= s) & (ds.phases["start_date"] <= e)]
    if len(phases) == 1:
        text += " It falls within one phase of the conflict, *{}*.".format(escape(phases["name"].iloc[0]))
    elif len(phases) > 1:
        text += " It runs through {n}: {names}.".format(
            n=plural(len(phases), "phase"), names=escape(join_words(list(phases["name"]))))
    rounds = q.negotiation_rounds(ds, s, e)
    parts = []
    for kind in q.NEGOTIATION_TYPES:
        r = rounds[rounds["type"] == kind]
        if r.empty:
            continue
        one, many = q.ROUND_TYPE_WORDS[kind]
        words = f"{len(r)} {one if len(r) == 1 else many}" if len(r) > 1 else f"one {one}"
        places = [p for p in r["location"].fillna("").str.split(",").str[0].str.strip() if p] \
            if kind in ("talks_round", "summit") else []
        if places:
            words += " in " + escape(join_words(list(dict.fromkeys(places))))
        parts.append(words)
    if parts:
        text += " The two sides held " + join_words(parts) + "."
    else:
        text += " No round of talks, call or summit between the two sides falls in this window."
    text += ("\n\nEvery figure on these pages is computed from a hand-curated dataset in which each event cites "
             "its sources; the pages can be rebuilt for another window or focus (see *Data and sources*).")
    return Markdown(text)


# ---------------------------------------------------------------------------- where things stand

def _suspension_groups(ds: Dataset, on) -> tuple[pd.DataFrame, pd.DataFrame]:
    sus = st.suspensions(ds, on)
    return sus[sus["state"] == "running"], sus[sus["state"] == "expired"]


class KeyNumbers:
    """A row of key-number boxes: (label, value, detail lines) each, every text escaped."""

    def __init__(self, on: pd.Timestamp, boxes: list[tuple[str, str, list[str]]]):
        self.on, self.boxes = on, boxes

    def _repr_html_(self) -> str:
        h = escaping.html_text
        parts = [f'<section class="tradetalks-keynumbers" aria-label="{h(f"Key numbers as of {day(self.on)}")}">',
                 f'<p class="tradetalks-keynumbers-asof">As of <strong>{h(day(self.on))}</strong></p>',
                 '<div class="tradetalks-keynumbers-row">']
        for label, value, details in self.boxes:
            kind = " tradetalks-keynumber-text" if " " in value else ""  # a date or words: smaller than a figure
            parts.append('<div class="tradetalks-keynumber">'
                         f'<p class="tradetalks-keynumber-label">{h(label)}</p>'
                         f'<p class="tradetalks-keynumber-value{kind}">{h(value)}</p>'
                         + "".join(f'<p class="tradetalks-keynumber-detail">{h(d)}</p>' for d in details if d)
                         + "</div>")
        parts.append("</div></section>")
        return "".join(parts)

    def __repr__(self) -> str:
        lines = [f"As of {day(self.on)}"]
        for label, value, details in self.boxes:
            lines.append(f"{label}: {value}" + "".join(f" · {d}" for d in details if d))
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:  # for front ends without HTML
        return "\n".join(f"- {escape(line)}" for line in repr(self).splitlines())


def key_numbers(ds: Dataset, s, e) -> KeyNumbers:
    """The boxes that open the overview: each side's tariff (across the board, its layers, the tariffs on
    selected goods), suspensions running or expired, open sticking points, the next dates to watch."""
    on = st.as_of(ds, e)
    boxes = []
    for side in ("united_states", "china"):
        who, goods, _ = SIDE_WORDS[side]
        t = q.tariff_standing(ds, side, on)
        details = [f"on all {goods}" + (f", since {day(t.since)}" if t.since is not None else "")]
        if t.layers:
            details.append(_layers(t))
        if t.selected:
            bases = join_words([BASIS_WORDS.get(b, b.replace("_", " ")) for b in t.selected_bases])
            details.append(f"plus {plural(t.selected, 'tariff')} on selected goods, up to {pct(t.selected_max)}"
                           + (f" ({bases})" if bases else ""))
        boxes.append((f"{who} additional tariff on {goods}", pct(t.headline), details))
    running, expired = _suspension_groups(ds, on)
    if len(running):
        details = [f"{n}: until {st.days(g['expires'])}" for n, g in running.groupby("name", sort=False)]
        if len(expired):
            details.append(f"{plural(len(expired), 'other')} expired on {st.days(expired['expires'])}, outcome not yet recorded")
        boxes.append(("Suspensions running", str(len(running)), details))
    elif len(expired):
        boxes.append(("Suspensions expired", str(len(expired)),
                      [f"on {st.days(expired['expires'])}", "outcome not yet recorded",
                       "; ".join(dict.fromkeys(expired["name"]))]))
    states = st.point_states(ds, on)
    known = states[states["kind"] != "not_raised"]
    open_ = known[known["kind"].isin(["open", "escalated"])]
    if len(known):
        details = [f"of {plural(len(known), 'sticking point')} on record"]
        esc = int((open_["kind"] == "escalated").sum())
        if esc:
            details.append(f"{esc} of them escalated")
        boxes.append(("Open sticking points", str(len(open_)), details))
    first, same, more = _next_dates(ds, on)
    if first is not None:
        details = [f"{w['points']}: suspension runs out" if w["kind"] == "due" else w["what"] for _, w in same.iterrows()]
        if more:
            details.append(f"then {plural(more, 'later date')}")
        boxes.append(("Next date to watch", _when(first), details))
    return KeyNumbers(on, boxes)


def _state_groups(known: pd.DataFrame) -> list[str]:
    words = {"agreed": ("agreed and in force", "agreed and in force"),
             "closed": ("closed", "closed"),
             "partly_implemented": ("partly implemented", "partly implemented"),
             "pledged": ("pledged but not yet verifiable", "pledged but not yet verifiable"),
             "suspended": ("suspended", "suspended"),
             "suspension_expired": ("with a suspension that expired and no outcome recorded",
                                    "with suspensions that expired and no outcome recorded"),
             "escalated": ("escalated", "escalated"),
             "open": ("open", "open")}
    parts = []
    for kind in st.STATE_ORDER:
        g = known[known["kind"] == kind]
        if g.empty or kind not in words:
            continue
        text = f"{len(g)} {words[kind][0] if len(g) == 1 else words[kind][1]}"
        if len(g) <= 4:
            text += " (" + "; ".join(escape(n) for n in g["name"]) + ")"
        parts.append(text)
    return parts


def _suspensions_counted(rows: pd.DataFrame) -> str:
    """'3 suspensions, on 2 sticking points,' or '1 suspension'."""
    n, points = len(rows), rows["sticking_point_id"].nunique()
    text = plural(n, "suspension")
    return text + (f", on {plural(points, 'sticking point')}," if points != n else "")


def _when(row, capital: bool = True) -> str:
    text = f"on {day(row['date'])}" if row["kind"] == "due" else row["when"]
    if not capital:
        return text
    text = text.removeprefix("on ")
    return text[0].upper() + text[1:]


def _next_dates(ds: Dataset, on) -> tuple:
    """The first date to watch after ``on`` (a suspension running out or a scheduled event), all the
    items on that date, and how many later ones follow."""
    watch = st.dates_to_watch(ds, on)
    ahead = watch[watch["kind"] != "expired"].copy()
    if ahead.empty:
        return None, ahead, 0
    ahead["key"] = [_when(r) for _, r in ahead.iterrows()]
    ahead = ahead.sort_values("date", kind="stable")
    first = ahead.iloc[0]
    same = ahead[ahead["key"] == first["key"]]
    return first, same, len(ahead) - len(same)


def state_summary(ds: Dataset, s, e) -> Markdown:
    """A few sentences on where things stand on the as-of date (or the window's end, if earlier), one
    bullet each: the tariffs, the suspensions, the sticking points, the next date to watch."""
    on = st.as_of(ds, e)
    sentences = []
    us, cn = q.tariff_standing(ds, "united_states", on), q.tariff_standing(ds, "china", on)

    def side_clause(t: q.TariffStanding) -> str:
        _, goods, name = SIDE_WORDS[t.side]
        if not t.headline:
            return f"{name} applies no additional tariff to all {goods}"
        text = f"{name} applies an additional **{pct(t.headline)}** to all {goods}"
        bits = []
        if t.since is not None:
            bits.append(f"since {day(t.since)}")
        if len(t.layers) > 1:
            bits.append(escape(_layers(t)))
        return text + (f" ({', '.join(bits)})" if bits else "")

    sentences.append(f"As of **{day(on)}**, {side_clause(us)}, and {side_clause(cn)}.")
    running, expired = _suspension_groups(ds, on)
    if len(running):
        items = "; ".join(f"{escape(n)} until {st.days(g['expires'])}" for n, g in running.groupby("name", sort=False))
        sentences.append(f"{_suspensions_counted(running).capitalize()} {'is' if len(running) == 1 else 'are'} running: {items}.")
    if len(expired):
        items = "; ".join(escape(n) for n in dict.fromkeys(expired["name"]))
        sentences.append(f"{_suspensions_counted(expired).capitalize()} expired on {st.days(expired['expires'])} "
                         f"with no outcome recorded yet ({items}).")
    states = st.point_states(ds, on)
    known = states[states["kind"] != "not_raised"]
    if len(known):
        sentences.append(f"Of the {plural(len(known), 'sticking point')} on record by then: "
                         + join_words(_state_groups(known)) + ".")
    first, same, _ = _next_dates(ds, on)
    if first is not None:
        what = join_words([f"the suspension of {escape(w['points'])} runs out" if w["kind"] == "due" else f"*{escape(w['what'])}*"
                           for _, w in same.iterrows()])
        sentences.append(f"Next date{'s' if len(same) > 1 else ''} to watch, {escape(_when(first, capital=False))}: {what}.")
    return Markdown("\n".join(f"- {x}" for x in sentences))


def dates_to_watch_table(ds: Dataset, s, e) -> Table | Markdown:
    """What falls due after the as-of date (or the window's end): suspensions whose expiry passed with no
    outcome recorded, suspensions still running, and scheduled events after that day."""
    on = st.as_of(ds, e)
    w = st.dates_to_watch(ds, on)
    if w.empty:
        return md("Nothing in the record falls due after {on}.", on=day(on))
    status = {"expired": "Suspension expired — outcome not yet recorded", "due": "Suspension runs until then",
              "scheduled": "Scheduled after the record's last check"}
    by_event = ds.event_sources.groupby("event_id")["source_id"].agg(list)
    out = pd.DataFrame({
        "When": [day(r["date"]) if r["kind"] != "scheduled" else r["when"][0].upper() + r["when"][1:] for _, r in w.iterrows()],
        "What": [f"{r['points']}: {r['what']}" if r["points"] else r["what"] for _, r in w.iterrows()],
        "Status": w["kind"].map(status),
        "Sources": [cite(ds, [sid for ev in ids for sid in by_event.get(ev, [])]) for ids in w["event_ids"]],
    })
    return table(out, f"Dates to watch, as of {day(on)}")


# ---------------------------------------------------------------------------- the story by phase

def _tariff_moves(ds: Dataset, a: pd.Timestamp, b: pd.Timestamp) -> str:
    """'Headline tariffs: US 0% → 145%, China 0% → 125%.' between the day before ``a`` and ``b``."""
    parts = []
    for side, who in (("united_states", "US"), ("china", "China")):
        x, y = q.tariff_in_force(ds, side, a - pd.Timedelta(days=1)), q.tariff_in_force(ds, side, b)
        parts.append(f"{who} {pct(x)} → {pct(y)}" if x != y else f"{who} {pct(x)} (unchanged)")
    return "Headline tariffs: " + ", ".join(parts) + "."


def phases_story(ds: Dataset, s, e) -> Markdown:
    """The story by phase: each phase in the window (clipped to it), what marks it (our words from the
    data), how the headline tariffs moved in it and the rounds held in it."""
    on = st.as_of(ds, e)
    last_day = min(e, on)
    ph = ds.phases[(ds.phases["end_date"] >= s) & (ds.phases["start_date"] <= last_day)]
    if ph.empty:
        return md("The window from {s} to {e} falls outside the phases the report divides the period into.",
                  s=day(s), e=day(e))
    rounds = q.negotiation_rounds(ds, s, e)
    paras = []
    for _, p in ph.iterrows():
        a, b = max(p["start_date"], s), min(p["end_date"], last_day)
        head = f"**{escape(p['name'])}** ({q.date_label({'start_date': a, 'end_date': b})})."
        moves = _tariff_moves(ds, a, b)
        r = rounds[(rounds["start_date"] >= a) & (rounds["start_date"] <= b)]
        held = ""
        if len(r):
            held = " " + ("Round" if len(r) == 1 else "Rounds") + ": " + "; ".join(escape(x) for x in r["label"]) + "."
        paras.append(f"{head} {escape(p['description'])} {moves}{held}")
    return Markdown("\n\n".join(paras))


# ---------------------------------------------------------------------------- the window in numbers

def _tariff_sentence(row, s, end) -> str:
    values = [row["start"], row["peak"], row["end"]]
    who = "The headline additional US tariff on Chinese goods" if row["imposing_side"] == "united_states" \
        else "China's additional tariff on US goods"
    if len(set(values)) == 1:
        return f"{who} stood at **{pct(row['end'])}** throughout."
    if row["peak"] > max(row["start"], row["end"]):
        return (f"{who} stood at **{pct(row['start'])}** on {day(s)}, peaked at **{pct(row['peak'])}** on "
                f"{day(row['peak_date'])} and stood at **{pct(row['end'])}** on {day(end)}.")
    return f"{who} went from **{pct(row['start'])}** on {day(s)} to **{pct(row['end'])}** on {day(end)}."


def overview_summary(ds: Dataset, s, e) -> Markdown:
    """The window in numbers: events, sources, rounds by kind, the tariffs' course (no clause about zero
    items, no peak when nothing changed)."""
    h = q.headline_figures(ds, s, e)
    text = "Between **{s}** and **{e}** the record holds **{events}** drawn from **{sources}**".format(
        s=day(h["start"]), e=day(h["end"]), events=plural(h["events"], "event"), sources=plural(h["sources"], "source"))
    if h["scheduled"]:
        text += f"; {h['scheduled']} of them {'is' if h['scheduled'] == 1 else 'are'} scheduled (planned or due, outcome not recorded)"
    text += "."
    held = [f"**{n} {q.ROUND_TYPE_WORDS[k][0] if n == 1 else q.ROUND_TYPE_WORDS[k][1]}**"
            for k, n in h["rounds"].items() if n]
    if held:
        text += " The two governments held " + join_words(held) + "."
    end = min(h["end"], h["as_of"])
    t = h["tariffs"]
    if len(t):
        text += "\n\n" + " ".join(_tariff_sentence(row.to_dict() | {"imposing_side": side}, h["start"], end)
                                  for side, row in t.iterrows())
    return Markdown(text)


def rounds_table(ds: Dataset, s, e) -> Table:
    """The rounds in the window: who led each side, and what the record links to each as its outcome."""
    r = q.negotiation_rounds(ds, s, e)
    who, came = {}, {}
    for event_id in r["id"]:
        d = q.delegations(ds, event_id)
        names = lambda df: "; ".join(df.loc[df["role"].isin(q.NEGOTIATING_ROLES), "name"])
        who[event_id] = (names(d["united_states"]), names(d["china"]))
        out = q.round_outcomes(ds, event_id)
        came[event_id] = "; ".join(f"{t} ({day(x)})" for t, x in zip(out["title"], out["date"])) or "No outcome linked in the record"
    out = pd.DataFrame({
        "Date": [q.date_label(row) for _, row in r.iterrows()],
        "Round": r["name"],
        "United States": [who[i][0] for i in r["id"]],
        "China": [who[i][1] for i in r["id"]],
        "What came of it": [came[i] for i in r["id"]],
    })
    return table(out, "Negotiation rounds, calls and summits, and what the record links to each as its outcome")


def tariff_table(ds: Dataset, s, e) -> Table:
    """Each side's headline tariff at the window's start and on its end (or the as-of date, if earlier),
    with the highest level only when it differs from both."""
    end = min(e, st.as_of(ds, e))
    t = q.tariff_summary(ds, s, end)
    out = pd.DataFrame({"Tariff": t["side_label"], f"On {day(s)}": t["start"].map(pct)})
    if (t["peak"] > t[["start", "end"]].max(axis=1)).any():
        out["Highest"] = t["peak"].map(pct)
        out["First reached"] = t["peak_date"].map(day)
    out[f"On {day(end)}"] = t["end"].map(pct)
    return table(out, "Headline additional tariffs in the window")
