"""The report's charts, built with Altair from query results, all in one theme.

Colours are fixed per meaning (a side, a status, an event family) so the same thing has the same
colour in every chart; the palettes are Okabe-Ito colours, chosen to stay distinguishable for
colour-blind readers. Every chart has a title and a ``description`` naming what it shows (read out
by screen readers). Charts aggregate in pandas first and embed only the rows they draw.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from ..analysis import queries as q
from ..data import Dataset

# Okabe-Ito palette
BLUE, VERMILLION, GREEN, ORANGE, SKY, PURPLE, YELLOW, GREY, BLACK, DARK_GREY = (
    "#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442", "#999999", "#000000", "#555555")

SIDE_COLORS = {"United States": BLUE, "China": VERMILLION, "Third parties": GREY}
TARIFF_COLORS = {"US tariff on Chinese goods": BLUE, "Chinese tariff on US goods": VERMILLION}
STATUS_ORDER = ["raised", "escalated", "negotiated", "agreed", "suspended", "eased", "unresolved"]
STATUS_SHAPES = {"raised": "circle", "escalated": "triangle-up", "negotiated": "diamond", "agreed": "square",
                 "suspended": "cross", "eased": "triangle-down", "unresolved": "triangle-right"}
STATUS_COLORS = {"raised": YELLOW, "escalated": VERMILLION, "negotiated": SKY, "agreed": GREEN,
                 "suspended": PURPLE, "eased": BLUE, "unresolved": DARK_GREY}
OUTCOME_COLORS = {"Settled by agreement": GREEN, "Suspended": PURPLE, "Still open": DARK_GREY}
ROLE_ORDER = ["leader", "lead_negotiator", "delegate", "host", "commentator", "announcer", "signatory", "testifier", "subject"]

# Event types grouped into the four lanes of the timeline.
EVENT_FAMILIES = {
    "Negotiation": ["talks_round", "leaders_call", "summit", "agreement"],
    "Tariffs and retaliation": ["tariff_action", "retaliation", "threat"],
    "Export controls and sanctions": ["export_control", "sanction", "investigation", "visa_action"],
    "Statements and other": ["statement", "testimony", "court_ruling", "milestone", "third_party_deal", "multilateral_meeting"],
}
FAMILY_COLORS = {"Negotiation": GREEN, "Tariffs and retaliation": VERMILLION,
                 "Export controls and sanctions": BLUE, "Statements and other": ORANGE}
FAMILY_OF_TYPE = {t: fam for fam, types in EVENT_FAMILIES.items() for t in types}

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
WIDTH = 660


def theme() -> dict:
    return {"config": {
        "font": FONT,
        "view": {"stroke": None, "continuousWidth": WIDTH},
        "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#444", "offset": 10},
        "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal", "labelColor": "#222",
                 "titleColor": "#222", "gridColor": "#e6e6e6"},
        "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "direction": "horizontal",
                   "titleFontWeight": "normal", "columns": 4, "labelLimit": 320},
        "header": {"labelFontSize": 12, "titleFontSize": 12},
        "text": {"fontSize": 11},
    }}


def enable_theme() -> None:
    alt.theme.register("tradetalks", enable=True)(theme)


def _scale(mapping: dict, domain=None) -> alt.Scale:
    domain = list(domain) if domain is not None else list(mapping)
    return alt.Scale(domain=domain, range=[mapping[d] for d in domain])


def _day(ts) -> str:
    return pd.Timestamp(ts).strftime("%Y-%m-%d")


def _utc_x(field: str, title: str | None, s: pd.Timestamp, e: pd.Timestamp, **axis) -> alt.X:
    """The date axis; give it to one layer of a chart only (Vega-Lite unions explicit domains of layers badly)."""
    # Dates are calendar days: a UTC scale keeps 14 May on 14 May in every reader's time zone.
    end = e + pd.Timedelta(days=1)
    domain = [alt.DateTime(year=d.year, month=d.month, date=d.day, utc=True) for d in (s, end)]
    return alt.X(f"{field}:T", title=title, scale=alt.Scale(type="utc", domain=domain),
                 axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount="month", **axis))


def _same_x(field: str) -> alt.X:
    """A date position on the scale another layer defined with :func:`_utc_x`."""
    return alt.X(f"{field}:T")


def _phase_layers(ds: Dataset, s: pd.Timestamp, e: pd.Timestamp, height: int, labels: bool = True):
    ph = ds.phases[(ds.phases["end_date"] >= s) & (ds.phases["start_date"] <= e)].copy()
    if ph.empty:
        return []
    ph["from"] = ph["start_date"].clip(lower=s).map(_day)
    ph["to"] = (ph["end_date"].clip(upper=e) + pd.Timedelta(days=1)).map(_day)
    ph["shade"] = [i % 2 for i in range(len(ph))]
    ph["row"] = [2 + 13 * (i % 2) for i in range(len(ph))]  # alternate label rows so short phases don't collide
    ph["dates"] = [f"{a:%-d %b} – {b:%-d %b %Y}" for a, b in zip(ph["start_date"], ph["end_date"])]
    data = ph[["name", "from", "to", "shade", "row", "dates", "description"]]
    base = alt.Chart(data)
    x = _same_x("from")
    bands = base.mark_rect(opacity=0.55).encode(
        x=x, x2="to:T",
        color=alt.Color("shade:N", scale=alt.Scale(domain=[0, 1], range=["#f1f1f1", "#fafafa"]), legend=None),
        tooltip=[alt.Tooltip("name:N", title="Phase"), alt.Tooltip("dates:N", title="Dates"),
                 alt.Tooltip("description:N", title="About")])
    layers = [bands]
    if labels:
        text = base.mark_text(align="left", baseline="top", dx=3, dy=2, fontSize=10, color="#555").encode(
            x=x, y=alt.Y("row:Q", scale=None, axis=None), text="name:N")
        layers.append(text)
    return layers


# ---------------------------------------------------------------------------- timeline

#: Above this many events the timeline draws weekly counts instead of one mark per event, so a chart
#: never embeds more rows than a reader can see (and stays clear of Altair's row limit).
MAX_EVENT_MARKS = 400


def event_timeline(ds: Dataset, start=None, end=None, types=None, sticking_points=None, actors=None) -> alt.LayerChart:
    """Events by date in four lanes (negotiation, tariffs, export controls, other), over the phases."""
    s, e = q.window(ds, start, end)
    ev = q.events_between(ds, s, e, types=types, sticking_points=sticking_points, actors=actors)
    if len(ev) > MAX_EVENT_MARKS:
        return _weekly_event_counts(ds, ev, s, e)
    ev["family"] = ev["type"].astype(str).map(FAMILY_OF_TYPE)
    ev["day"] = ev["start_date"].clip(lower=s).map(_day)
    ev["when"] = [q.date_label(r) for _, r in ev.iterrows()]
    ev["kind"] = ev["type"].astype(str).str.replace("_", " ")
    data = ev[["id", "day", "when", "family", "kind", "title", "summary", "sources"]]
    height = 230
    families = list(EVENT_FAMILIES)
    points = alt.Chart(data).mark_point(filled=True, size=110, opacity=0.85, stroke="white", strokeWidth=0.8).encode(
        x=_utc_x("day", "Date", s, e),
        y=alt.Y("family:N", title=None, sort=families, scale=alt.Scale(domain=families),
                axis=alt.Axis(labelLimit=220)),
        color=alt.Color("family:N", title="Event family", scale=_scale(FAMILY_COLORS)),
        shape=alt.Shape("family:N", scale=alt.Scale(domain=families, range=["circle", "triangle-up", "square", "diamond"]),
                        legend=None),
        tooltip=[alt.Tooltip("when:N", title="Date"), alt.Tooltip("title:N", title="Event"),
                 alt.Tooltip("kind:N", title="Type"), alt.Tooltip("summary:N", title="Summary"),
                 alt.Tooltip("sources:N", title="Sources")],
    )
    layers = _phase_layers(ds, s, e, height) + [points]
    return alt.layer(*layers).properties(
        width=WIDTH, height=height,
        title=alt.Title("Events of the negotiations by date and kind",
                        subtitle=f"{len(ev)} events, {s:%-d %B %Y} to {e:%-d %B %Y}; shaded bands are the phases. Hover for details."),
        description=(f"Timeline chart of {len(ev)} events between {s:%-d %B %Y} and {e:%-d %B %Y}, placed by date in four "
                     "lanes: negotiation; tariffs and retaliation; export controls and sanctions; statements and other. "
                     "Background bands mark the phases of the conflict."),
    ).resolve_scale(color="independent")


def _weekly_event_counts(ds: Dataset, ev: pd.DataFrame, s: pd.Timestamp, e: pd.Timestamp) -> alt.LayerChart:
    """The timeline for many events: one mark per week and lane, sized by the number of events."""
    ev = ev.assign(family=ev["type"].astype(str).map(FAMILY_OF_TYPE),
                   week=ev["start_date"].clip(lower=s).dt.to_period("W-SUN").dt.start_time)
    counts = ev.groupby(["week", "family"]).size().rename("events").reset_index()
    counts["day"] = counts["week"].map(_day)
    counts["when"] = counts["week"].map(lambda d: f"week of {q.day_label(d)}")
    families = list(EVENT_FAMILIES)
    marks = alt.Chart(counts[["day", "when", "family", "events"]]).mark_circle(opacity=0.8).encode(
        x=_utc_x("day", "Date", s, e),
        y=alt.Y("family:N", title=None, sort=families, scale=alt.Scale(domain=families), axis=alt.Axis(labelLimit=220)),
        color=alt.Color("family:N", title="Event family", scale=_scale(FAMILY_COLORS)),
        size=alt.Size("events:Q", title="Events per week"),
        tooltip=[alt.Tooltip("when:N", title="Week"), alt.Tooltip("family:N", title="Kind"),
                 alt.Tooltip("events:Q", title="Events")])
    return alt.layer(*_phase_layers(ds, s, e, 230), marks).properties(
        width=WIDTH, height=230,
        title=alt.Title("Events of the negotiations by week and kind",
                        subtitle=f"{len(ev)} events, {s:%-d %B %Y} to {e:%-d %B %Y}, counted per week; shaded bands are the phases."),
        description=(f"Chart of {len(ev)} events between {s:%-d %B %Y} and {e:%-d %B %Y}, counted per week in four "
                     "lanes: negotiation; tariffs and retaliation; export controls and sanctions; statements and other; "
                     "mark size shows the number of events."),
    ).resolve_scale(color="independent")


def tariff_step_chart(ds: Dataset, start=None, end=None) -> alt.LayerChart:
    """The headline additional tariff each side applied to the other's goods, as steps, with key rounds marked."""
    s, e = q.window(ds, start, end)
    series = q.tariff_series(ds, s, e)
    series["day"] = series["date"].map(_day)
    series["when"] = series["date"].map(q.day_label)
    rounds = q.negotiation_rounds(ds, s, e, types=("talks_round", "summit"))
    marks = pd.DataFrame({"day": rounds["start_date"].map(_day), "label": rounds["label"].str.replace(" talks", "").str.replace(" summit", ""),
                          "title": rounds["title"], "when": [q.date_label(r) for _, r in rounds.iterrows()],
                          "row": [2 + 13 * (i % 2) for i in range(len(rounds))]})
    top = max(150.0, float(series["rate_pct"].max()) * 1.12)
    height = 300
    domain = list(TARIFF_COLORS)
    x = _utc_x("day", "Date", s, e)
    line = alt.Chart(series[["day", "when", "rate_pct", "side_label"]]).mark_line(interpolate="step-after", strokeWidth=2.5).encode(
        x=x,
        y=alt.Y("rate_pct:Q", title="Additional tariff (%)", scale=alt.Scale(domain=[0, top])),
        color=alt.Color("side_label:N", title=None, scale=_scale(TARIFF_COLORS, domain)),
        strokeDash=alt.StrokeDash("side_label:N", scale=alt.Scale(domain=domain, range=[[1, 0], [6, 3]]), legend=None),
    )
    dots = alt.Chart(series[["day", "when", "rate_pct", "side_label"]]).mark_point(filled=True, size=45).encode(
        x=_same_x("day"), y="rate_pct:Q",
        color=alt.Color("side_label:N", scale=_scale(TARIFF_COLORS, domain), legend=None),
        tooltip=[alt.Tooltip("side_label:N", title="Tariff"), alt.Tooltip("when:N", title="From"),
                 alt.Tooltip("rate_pct:Q", title="Rate (%)")])
    layers = _phase_layers(ds, s, e, height, labels=False) + [line, dots]
    if len(marks):
        rule = alt.Chart(marks).mark_rule(color="#777", strokeDash=[2, 3]).encode(
            x=_same_x("day"), tooltip=[alt.Tooltip("title:N", title="Round"), alt.Tooltip("when:N", title="Date")])
        text = alt.Chart(marks).mark_text(angle=0, align="left", baseline="top", dx=3, fontSize=10, color="#333").encode(
            x=_same_x("day"), y=alt.Y("row:Q", scale=None, axis=None), text="label:N")
        layers += [rule, text]
    summary = q.tariff_summary(ds, s, e).set_index("imposing_side")
    us, cn = summary.loc["united_states"], summary.loc["china"]
    return alt.layer(*layers).properties(
        width=WIDTH, height=height,
        title=alt.Title("Headline additional tariffs each side applied to the other",
                        subtitle="Across-the-board 2025 tariffs only; dotted lines mark talks rounds and the summit."),
        description=(f"Step chart of the headline additional tariff from {s:%-d %B %Y} to {e:%-d %B %Y}: the US tariff on "
                     f"Chinese goods goes from {us['start']:g}% to a peak of {us['peak']:g}% and ends at {us['end']:g}%; "
                     f"China's tariff on US goods goes from {cn['start']:g}% to a peak of {cn['peak']:g}% and ends at {cn['end']:g}%."),
    ).resolve_scale(color="independent")


# ---------------------------------------------------------------------------- actors

def participation_chart(ds: Dataset, start=None, end=None) -> alt.Chart:
    """People (rows, grouped by side) x negotiation rounds (columns), marked where they took part."""
    s, e = q.window(ds, start, end)
    p = q.participation(ds, s, e)
    p = p[(p["kind"] == "person") & p["role"].isin(q.NEGOTIATING_ROLES)].copy()
    rounds = q.negotiation_rounds(ds, s, e)
    p["side_label"] = p["side"].map(q.SIDE_LABELS)
    p["role_label"] = p["role"].astype(str).str.replace("_", " ")
    p["when"] = p["start_date"].map(q.day_label)
    order_people = (p.sort_values(["side", "name"]).drop_duplicates("name"))["name"].tolist()
    order_rounds = rounds["label"].tolist()
    data = p[["name", "label", "side_label", "role_label", "when"]]
    return alt.Chart(data).mark_square(size=260).encode(
        x=alt.X("label:N", title=None, sort=order_rounds, axis=alt.Axis(labelAngle=-35, orient="top", labelLimit=160)),
        y=alt.Y("name:N", title=None, sort=order_people),
        color=alt.Color("side_label:N", title="Side",
                        scale=_scale(SIDE_COLORS, [k for k in SIDE_COLORS if k in set(data["side_label"])])),
        opacity=alt.condition("datum.role_label == 'lead negotiator' || datum.role_label == 'leader'", alt.value(1.0), alt.value(0.55)),
        tooltip=[alt.Tooltip("name:N", title="Person"), alt.Tooltip("label:N", title="Round"),
                 alt.Tooltip("when:N", title="Date"), alt.Tooltip("role_label:N", title="Role")],
    ).properties(
        width=max(260, 62 * len(order_rounds)), height=max(120, 24 * len(order_people)),
        title=alt.Title("Who took part in which round", subtitle="Solid: leader or lead negotiator; lighter: other roles."),
        description=(f"Matrix of {len(order_people)} people by {len(order_rounds)} negotiation rounds, calls and summits "
                     f"between {s:%-d %B %Y} and {e:%-d %B %Y}; a square marks participation, coloured by side."),
    )


# ---------------------------------------------------------------------------- sticking points

def status_matrix_chart(ds: Dataset, start=None, end=None, sticking_points=None) -> alt.Chart:
    """Sticking point x round, coloured by the status each round gave it."""
    s, e = q.window(ds, start, end)
    m = q.status_matrix(ds, s, e)
    rounds = q.negotiation_rounds(ds, s, e)
    points = q.only(ds, ds.sticking_points, "id", "sticking_points", sticking_points)
    m = q.only(ds, m, "sticking_point_id", "sticking_points", sticking_points).copy()
    m["status"] = m["status"].astype(str)
    m["note"] = m["note"].fillna("")
    m["expiry"] = m["expires"].map(q.day_label)
    data = m[["name", "label", "status", "note", "expiry"]]
    statuses = [st for st in STATUS_ORDER if st in set(data["status"])] or STATUS_ORDER
    order_rounds = rounds["label"].tolist()
    base = alt.Chart(data).encode(
        x=alt.X("label:N", title=None, sort=order_rounds, scale=alt.Scale(domain=order_rounds),
                axis=alt.Axis(labelAngle=-35, orient="top", labelLimit=160)),
        y=alt.Y("name:N", title=None, sort=points["name"].tolist(), scale=alt.Scale(domain=points["name"].tolist()),
                axis=alt.Axis(labelLimit=260)),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("status:N", title="Status", scale=_scale(STATUS_COLORS, statuses)),
        tooltip=[alt.Tooltip("name:N", title="Sticking point"), alt.Tooltip("label:N", title="Round"),
                 alt.Tooltip("status:N", title="Status"), alt.Tooltip("expiry:N", title="Suspended until"),
                 alt.Tooltip("note:N", title="Note")])
    dark = "datum.status == 'unresolved' || datum.status == 'escalated' || datum.status == 'eased'"
    labels = base.mark_text(fontSize=9).encode(
        text="status:N", color=alt.condition(dark, alt.value("white"), alt.value("#111")))
    return alt.layer(cells, labels).properties(
        width=max(260, 72 * len(order_rounds)), height=max(80, 26 * len(points)),
        title=alt.Title("Status of each sticking point at each round", subtitle="Blank: the round did not touch the point."),
        description=(f"Heatmap of {len(points)} sticking points by {len(order_rounds)} negotiation rounds, calls and "
                     f"summits between {s:%-d %B %Y} and {e:%-d %B %Y}, each cell coloured by the status the round gave "
                     "the point: raised, escalated, negotiated, agreed, suspended or unresolved."),
    )


def status_history_chart(ds: Dataset, start=None, end=None, sticking_points=None) -> alt.LayerChart:
    """For each sticking point, its statuses over time as a row of coloured marks."""
    s, e = q.window(ds, start, end)
    h = q.status_history(ds, None, s, e)
    points = q.only(ds, ds.sticking_points, "id", "sticking_points", sticking_points)
    h = q.only(ds, h, "sticking_point_id", "sticking_points", sticking_points).copy()
    h["status"] = h["status"].astype(str)
    for period, label in (("W-SUN", "week"), ("M", "month")):  # many events: one mark per point, period and status
        if len(h) <= MAX_EVENT_MARKS:
            break
        h["date"] = h["date"].dt.to_period(period).dt.start_time
        h = (h.groupby(["name", "date", "status"], as_index=False)
             .agg(title=("title", lambda x, label=label: x.iloc[0] if len(x) == 1 else f"{len(x)} events that {label}"),
                  expires=("expires", "max")))
    h["day"] = h["date"].map(_day)
    h["when"] = h["date"].map(q.day_label)
    h["expiry"] = h["expires"].map(q.day_label)
    data = h[["name", "day", "when", "status", "title", "expiry"]]
    statuses = [st for st in STATUS_ORDER if st in set(data["status"])] or STATUS_ORDER
    names = points["name"].tolist()
    y = alt.Y("name:N", title=None, sort=names, scale=alt.Scale(domain=names), axis=alt.Axis(labelLimit=240))
    track = alt.Chart(data).mark_line(color="#bbb", strokeWidth=1).encode(x=_same_x("day"), y=y, detail="name:N")
    dots = alt.Chart(data).mark_point(filled=True, size=120, stroke="white", strokeWidth=0.8, opacity=0.95).encode(
        x=_utc_x("day", "Date", s, e), y=y,
        color=alt.Color("status:N", title="Status", scale=_scale(STATUS_COLORS, statuses)),
        shape=alt.Shape("status:N", scale=_scale(STATUS_SHAPES, statuses), title="Status"),
        tooltip=[alt.Tooltip("name:N", title="Sticking point"), alt.Tooltip("when:N", title="Date"),
                 alt.Tooltip("status:N", title="Status"), alt.Tooltip("expiry:N", title="Suspended until"),
                 alt.Tooltip("title:N", title="Event")])
    layers = _phase_layers(ds, s, e, 26 * len(names), labels=False) + [track, dots]
    return alt.layer(*layers).properties(
        width=WIDTH, height=max(100, 30 * len(names)),
        title=alt.Title("How each sticking point's status moved",
                        subtitle="Each mark is an event that touched the point; shaded bands are the phases."),
        description=(f"Chart of {len(names)} sticking points over time from {s:%-d %B %Y} to {e:%-d %B %Y}, one row each, "
                     f"with {len(data)} marks coloured and shaped by status at each event that touched the point."),
    ).resolve_scale(color="independent", shape="independent")


def outcome_chart(ds: Dataset, start=None, end=None) -> alt.Chart:
    """How many sticking points ended the window settled, suspended or open."""
    s, e = q.window(ds, start, end)
    o = q.sticking_point_outcomes(ds, s, e)
    o = o[o["events"] > 0].copy()
    o["outcome_label"] = o["outcome"].map(q.OUTCOME_LABELS)
    counts = o.groupby("outcome_label").agg(points=("name", "count"), names=("name", lambda x: "; ".join(x))).reset_index()
    domain = list(OUTCOME_COLORS)
    bars = alt.Chart(counts).mark_bar(height=26).encode(
        y=alt.Y("outcome_label:N", title=None, sort=domain),
        x=alt.X("points:Q", title="Sticking points", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("outcome_label:N", scale=_scale(OUTCOME_COLORS, domain), legend=None),
        tooltip=[alt.Tooltip("outcome_label:N", title="Outcome"), alt.Tooltip("points:Q", title="Count"),
                 alt.Tooltip("names:N", title="Sticking points")])
    text = bars.mark_text(align="left", dx=4, color="#222").encode(text="points:Q")
    summary = "; ".join(f"{r.outcome_label.lower()}: {r.points}" for r in counts.itertuples())
    return alt.layer(bars, text).properties(
        width=WIDTH - 180, height=110,
        title=alt.Title(f"Where the sticking points stood on {e:%-d %B %Y}"),
        description=f"Bar chart of sticking points by their state at {e:%-d %B %Y}: {summary}.",
    )
