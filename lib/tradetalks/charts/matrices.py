"""The charts of the actors and sticking-point pages: who took part in which round, the status each round
gave each sticking point, how each point's status moved, and where the points stand.

Rows are named above their marks (not on an axis beside them), so on a phone the marks get the whole
width; statuses are told apart by colour and by shape, and named in the legend.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from ..analysis import queries as q
from ..data import Dataset
from .layout import TimeScale, day, rows, same_x, text_width
from .theme import (
    BLACK,
    DARK_GREY,
    GREEN,
    LABEL,
    LIGHT_GREEN,
    NARROW_PLOT,
    ORANGE,
    PURPLE,
    SIDE_COLORS,
    SKY,
    STATUS_COLORS,
    STATUS_LABELS,
    STATUS_ORDER,
    STATUS_SHAPES,
    VERMILLION,
    WIDE_PLOT,
    YELLOW,
    frame,
    scale,
)

#: Colours of where a sticking point stands (the kinds of ``analysis.states``), matching the statuses.
STATE_COLORS = {"agreed": GREEN, "closed": BLACK, "partly_implemented": ORANGE, "pledged": LIGHT_GREEN,
                "suspended": PURPLE, "suspension_expired": YELLOW, "escalated": VERMILLION, "open": SKY,
                "not_raised": DARK_GREY}
ROW = 36          # height of a named row: its name, then its marks
NAME = 12         # baseline of the name, from the row's top
MARK = 25         # centre of the marks, from the row's top


def _d(ts) -> str:
    return f"{ts:%-d %B %Y}"


def _round_columns(rounds: pd.DataFrame) -> pd.Series:
    """A column heading per round: its name and day ('Geneva talks, 10 May 2025'), unique."""
    name = rounds["name"] if "name" in rounds else rounds["label"].str.split(",").str[0]
    return pd.Series([f"{n}, {d:%-d %b %Y}" for n, d in zip(name, rounds["start_date"])], index=rounds.index)


def _status_legend(statuses: list[str]) -> alt.Legend:
    return alt.Legend(orient="top", direction="horizontal", columns=alt.ExprRef("containerSize()[0] < 520 ? 2 : 4"),
                      labelExpr="replace(datum.label, '_', ' ')", title=None, symbolStrokeWidth=0)


def _names(names: list[str]) -> alt.Chart:
    """Each row's name above its marks."""
    data = pd.DataFrame({"name": names, "y": [i * ROW + NAME for i in range(len(names))]})
    return alt.Chart(data).mark_text(align="left", baseline="bottom", fontSize=LABEL, fontWeight="bold", color="#222").encode(
        x=alt.value(0), y=alt.Y("y:Q", scale=None), text="name:N")


# ---------------------------------------------------------------------------- actors

def participation_chart(ds: Dataset, start=None, end=None) -> alt.LayerChart:
    """People (rows, grouped by side) x negotiation rounds (columns), marked where they took part."""
    s, e = q.window(ds, start, end)
    rounds = q.negotiation_rounds(ds, s, e).reset_index(drop=True)
    columns = _round_columns(rounds)
    column_of = dict(zip(rounds["id"], columns))
    p = q.participation(ds, s, e)
    p = p[(p["kind"].astype(str) == "person") & p["role"].astype(str).isin(q.NEGOTIATING_ROLES)].copy()
    p["round"] = p["event_id"].map(column_of)
    p["side_label"] = p["side"].astype(str).map(q.SIDE_LABELS)
    p["role_label"] = p["role"].astype(str).str.replace("_", " ")
    p["lead"] = p["role"].astype(str).isin(["leader", "lead_negotiator"])
    people = p.sort_values(["side", "name"]).drop_duplicates("name")["name"].tolist()
    order = list(columns)
    data = p[["name", "round", "side_label", "role_label", "lead"]]
    sides = [k for k in SIDE_COLORS if k in set(data["side_label"])]
    rows_ = len(people)
    height = max(60, 22 * rows_)
    marks = alt.Chart(data).mark_square(size=110).encode(
        x=alt.X("round:N", title=None, sort=order, scale=alt.Scale(domain=order),
                axis=alt.Axis(orient="top", labelAngle=alt.ExprRef("containerSize()[0] < 520 ? -90 : -50"),
                              labelLimit=190, labelAlign="left", labelBaseline="middle", grid=True, gridColor="#eee")),
        y=alt.Y("name:N", title=None, sort=people, scale=alt.Scale(domain=people),
                axis=alt.Axis(labelLimit=alt.ExprRef("containerSize()[0] < 520 ? 100 : 170"), grid=True, gridColor="#eee")),
        color=alt.Color("side_label:N", title=None, scale=scale(SIDE_COLORS, sides),
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
        opacity=alt.condition("datum.lead", alt.value(1.0), alt.value(0.45)),
        tooltip=[alt.Tooltip("name:N", title="Person"), alt.Tooltip("round:N", title="Round"),
                 alt.Tooltip("role_label:N", title="Role")])
    leads = int(data["lead"].sum())
    layers = [marks]
    if data.empty:  # nothing to draw: say so, in a chart that still has a size
        layers = [alt.Chart(pd.DataFrame({"text": [f"No negotiation round between {_d(s)} and {_d(e)}."]})).mark_text(
            align="left", baseline="top", fontSize=LABEL, color="#333").encode(x=alt.value(0), y=alt.value(4), text="text:N")]
    return frame(alt.layer(*layers), height=height, title="Who took part in which round",
                 subtitle=[f"{len(order)} rounds, calls and summits, {_d(s)} to {_d(e)}. Solid squares: leader "
                           "or lead negotiator; pale: another member of the delegation."],
                 description=(f"Matrix of {rows_} people by {len(order)} negotiation rounds, calls and summits between "
                              f"{_d(s)} and {_d(e)}: {len(data)} squares mark who took part, coloured by side "
                              f"({', '.join(sides) or 'none'}); {leads} of them as leader or lead negotiator."))


# ---------------------------------------------------------------------------- sticking points

def _present(statuses) -> list[str]:
    found = set(map(str, statuses))
    return [s for s in STATUS_ORDER if s in found] + sorted(found - set(STATUS_ORDER))


def _status_scales(statuses: list[str]):
    colors = {**{s: "#777777" for s in statuses}, **STATUS_COLORS}
    shapes = {**{s: "circle" for s in statuses}, **STATUS_SHAPES}
    return scale(colors, statuses), scale(shapes, statuses)


def status_matrix_chart(ds: Dataset, start=None, end=None, sticking_points=None) -> alt.LayerChart:
    """Sticking point (rows, named above) x round (columns): the status each round gave each point."""
    s, e = q.window(ds, start, end)
    rounds = q.negotiation_rounds(ds, s, e).reset_index(drop=True)
    columns = _round_columns(rounds)
    column_of = dict(zip(rounds["id"], columns))
    points = q.only(ds, ds.sticking_points, "id", "sticking_points", sticking_points)
    names = points["name"].tolist()
    m = ds.event_sticking_points[ds.event_sticking_points["event_id"].isin(rounds["id"])
                                 & ds.event_sticking_points["sticking_point_id"].isin(points["id"])].copy()
    m["round"] = m["event_id"].map(column_of)
    m["name"] = m["sticking_point_id"].map(dict(zip(points["id"], points["name"])))
    m["status"] = m["status"].astype(str)
    m["expiry"] = m["expires"].map(q.day_label)
    m["y"] = m["name"].map({n: i * ROW + MARK for i, n in enumerate(names)})
    data = m[["name", "round", "status", "expiry", "y"]]
    statuses = _present(data["status"]) or STATUS_ORDER
    colour, shape = _status_scales(statuses)
    order = list(columns)
    height = max(ROW, ROW * len(names))
    x = alt.X("round:N", title=None, sort=order, scale=alt.Scale(domain=order),
              axis=alt.Axis(orient="top", labelAngle=alt.ExprRef("containerSize()[0] < 520 ? -90 : -50"),
                            labelLimit=190, labelAlign="left", labelBaseline="middle", grid=True, gridColor="#eee"))
    guide = pd.DataFrame({"y": [i * ROW + ROW - 2 for i in range(len(names))]})
    lines = alt.Chart(guide).mark_rule(color="#e3e3e3").encode(y=alt.Y("y:Q", scale=None))
    marks = alt.Chart(data).mark_point(filled=True, size=130, stroke="white", strokeWidth=0.6, opacity=1).encode(
        x=x, y=alt.Y("y:Q", scale=None),
        color=alt.Color("status:N", title=None, scale=colour, legend=_status_legend(statuses)),
        shape=alt.Shape("status:N", title=None, scale=shape, legend=_status_legend(statuses)),
        tooltip=[alt.Tooltip("name:N", title="Sticking point"), alt.Tooltip("round:N", title="Round"),
                 alt.Tooltip("status:N", title="Status"), alt.Tooltip("expiry:N", title="Suspended until")])
    counts = data["status"].value_counts()
    said = "; ".join(f"{STATUS_LABELS.get(st, st.replace('_', ' '))}: {counts[st]}" for st in statuses if st in counts)
    return frame(alt.layer(lines, _names(names), marks), height=height,
                 title="Status each round gave each sticking point",
                 subtitle=[f"{len(order)} rounds, calls and summits, {_d(s)} to {_d(e)}; a mark's colour and shape "
                           "give the status (legend); no mark: the round did not touch the point."],
                 description=(f"Matrix of {len(names)} sticking points by {len(order)} negotiation rounds, calls and "
                              f"summits between {_d(s)} and {_d(e)}, with {len(data)} marks for the status a round "
                              f"gave a point ({said or 'none'})."))


def status_history_chart(ds: Dataset, start=None, end=None, sticking_points=None) -> alt.LayerChart:
    """For each sticking point, its status over time as a bar coloured by status, with a mark at each event."""
    s, e = q.window(ds, start, end)
    points = q.only(ds, ds.sticking_points, "id", "sticking_points", sticking_points)
    names = points["name"].tolist()
    h = q.status_history(ds, None, s, e)
    h = h[h["sticking_point_id"].isin(points["id"])].copy()
    h["status"] = h["status"].astype(str)
    if len(h) and s < h["date"].min() - pd.Timedelta(days=60):
        first = h["date"].min() - pd.Timedelta(days=30)
        s = pd.Timestamp(year=first.year, month=first.month, day=1)
    ts = TimeScale.for_window(ds, s, e)
    row_of = {n: i for i, n in enumerate(names)}
    h = h.sort_values(["sticking_point_id", "date"], kind="stable")
    h, period = _by_period(h, s, MAX_MARKS if len(names) > 1 else MAX_MARKS_ONE)
    # one bar segment per run of a status, from its first event to the next status (or the window's end)
    seg = []
    for name, g in h.groupby("name", sort=False):
        g = g.reset_index(drop=True)
        runs = g[g["status"] != g["status"].shift()].reset_index(drop=True)
        for i, r in runs.iterrows():
            until = runs["date"].iloc[i + 1] if i + 1 < len(runs) else ts.stop
            seg.append({"name": name, "status": r["status"], "from": r["date"], "to": until})
    seg = pd.DataFrame(seg, columns=["name", "status", "from", "to"])
    single = len(names) == 1
    bar = 12
    y_top = {n: i * ROW + MARK - bar / 2 for n, i in row_of.items()}
    statuses = _present(pd.concat([seg["status"], h["status"]])) or STATUS_ORDER
    colour, shape = _status_scales(statuses)
    legend = _status_legend(statuses)
    segs = pd.DataFrame({"from": seg["from"].map(day), "to": seg["to"].map(day), "status": seg["status"],
                         "y": seg["name"].map(y_top)})
    marks = pd.DataFrame({"day": h["date"].map(day), "status": h["status"], "title": h["title"].map(_cut),
                          "y": h["name"].map(lambda n: y_top[n] + bar / 2)})
    height = max(ROW, ROW * len(names))
    layers = ts.break_layers(height)
    layers.append(alt.Chart(segs).transform_calculate(y2=f"datum.y + {bar}").mark_rect(opacity=0.9).encode(
        x=ts.encoding("from"), x2="to:T", y=alt.Y("y:Q", scale=None), y2="y2:Q",
        color=alt.Color("status:N", title=None, scale=colour, legend=legend)))
    layers.append(_names(names))
    layers.append(alt.Chart(marks).mark_point(filled=True, size=64, stroke="#222", strokeWidth=0.9, opacity=1).encode(
        x=same_x("day"), y=alt.Y("y:Q", scale=None),
        color=alt.Color("status:N", title=None, scale=colour, legend=legend),
        shape=alt.Shape("status:N", title=None, scale=shape, legend=legend),
        tooltip=[alt.Tooltip("day:T", title="Date", format="%-d %B %Y"), alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("title:N", title="Event")]))
    extra = 0
    if single and len(seg):
        label_layers, extra = _status_labels(seg, ts, top=ROW + 4)
        layers += label_layers
    title = f"How the status of “{names[0]}” moved" if single else "How each sticking point's status moved"
    runs = len(seg)
    return frame(alt.layer(*layers), height=height + extra,
                 title=title,
                 subtitle=[f"{_d(s)} to {_d(e)}. The bar's colour is the status from each event on; marks are the "
                           + (f"statuses each {period} ended with" if period else "events that touched the point")
                           + (", each status named below." if single else "."),
                           ts.note()],
                 description=(f"Chart of {len(names)} sticking point{'s' if len(names) != 1 else ''} over time from {_d(s)} to "
                              f"{_d(e)}: {len(marks)} events set {runs} successive statuses"
                              + (f" ({', '.join(STATUS_LABELS.get(x, x) for x in seg['status'])})" if single else "")
                              + ", shown as bars coloured and marks shaped by status."),
                 )


def _cut(text, size: int = 90) -> str:
    """An event title for a tooltip: at most ``size`` characters, cut at a word."""
    words = " ".join(str(text).split())
    return words if len(words) <= size else words[:size].rsplit(" ", 1)[0] + " …"


#: The most marks a status history embeds: beyond, one mark per point and week (or month, or quarter).
MAX_MARKS = 150
#: The same for the chart of one point; and the most of its statuses named on it (the longest-held).
MAX_MARKS_ONE, MAX_NAMED = 60, 14


def _by_period(h: pd.DataFrame, s: pd.Timestamp, limit: int = MAX_MARKS) -> tuple[pd.DataFrame, str]:
    """The history as it is drawn: every event, or, when there are more than ``limit``, the status each
    point ended each week (month, quarter, year) with, and how many events led to it."""
    if len(h) <= limit:
        return h, ""
    for period, word in (("W-SUN", "week"), ("M", "month"), ("Q", "quarter"), ("Y", "year")):
        g = h.assign(date=h["date"].dt.to_period(period).dt.start_time.clip(lower=s))
        out = g.groupby(["sticking_point_id", "name", "date"], as_index=False, sort=False).agg(
            status=("status", "last"),
            title=("title", lambda x, word=word: f"{len(x)} events in the {word}" if len(x) > 1 else x.iloc[0]))
        if len(out) <= limit:
            break
    return out.sort_values(["sticking_point_id", "date"], kind="stable").reset_index(drop=True), word


def _status_labels(seg: pd.DataFrame, ts: TimeScale, top: int) -> tuple[list, int]:
    """For one point: each status named under its bar, in as many rows as needed to keep them apart (the
    :data:`MAX_NAMED` held longest, when there are more)."""
    if len(seg) > MAX_NAMED:
        held = (seg["to"] - seg["from"]).dt.days
        seg = seg.loc[sorted(held.sort_values(ascending=False, kind="stable").index[:MAX_NAMED])]
    texts = [STATUS_LABELS.get(x, x.replace("_", " ")) for x in seg["status"]]
    data, height = {}, 0
    for layout, width in (("n", NARROW_PLOT), ("w", WIDE_PLOT)):
        spans = []
        for f, text in zip([ts.frac(d) for d in seg["from"]], texts):
            left = min(f * width, width - text_width(text))
            spans.append((left, left + text_width(text)))
        r = rows(spans, 12, gap=5)
        data[layout] = ([sp[0] / width for sp in spans], [x if x is not None else 0 for x in r])
        height = max(height, (max(data[layout][1]) + 1) * 15 + 6)
    frame_ = pd.DataFrame({"text": texts, "fn": data["n"][0], "fw": data["w"][0], "rn": data["n"][1], "rw": data["w"][1],
                           "at": seg["from"].map(day)})
    base = alt.Chart(frame_).transform_calculate(
        f="containerSize()[0] < 520 ? datum.fn : datum.fw",
        ly=f"{top} + (containerSize()[0] < 520 ? datum.rn : datum.rw) * 15")
    ticks = base.transform_calculate(ty=f"{top - 10}").mark_rule(color="#999", strokeWidth=1).encode(
        x=same_x("at"), y=alt.Y("ty:Q", scale=None), y2=alt.Y2("ly:Q"))
    labels = base.mark_text(align="left", baseline="top", fontSize=LABEL, color="#222", dy=1).encode(
        x=alt.X("px:Q", scale=None), y=alt.Y("ly:Q", scale=None), text="text:N").transform_calculate(px="datum.f * width")
    return [ticks, labels], height


def outcome_chart(ds: Dataset, start=None, end=None) -> alt.LayerChart:
    """How many sticking points stand in each state at the window's end (or the record's last check)."""
    s, e = q.window(ds, start, end)
    o = q.sticking_point_outcomes(ds, s, e)
    o = o[o["events"] > 0].copy()
    try:
        from ..analysis import states
        order, labels = list(states.STATE_ORDER), dict(states.STATE_LABELS)
        field = "state" if "state" in o else "outcome"
    except ImportError:  # pragma: no cover - older analysis without states
        order, labels, field = ["agreed", "suspended", "open"], dict(q.OUTCOME_LABELS), "outcome"
    if field == "outcome":
        order, labels = ["agreed", "suspended", "open"], dict(q.OUTCOME_LABELS)
    on = o["on"].iloc[0] if "on" in o and len(o) else e
    counts = o.groupby(field).agg(points=("name", "count"), names=("name", lambda x: "; ".join(x)))
    kinds = [k for k in order if k in counts.index] + sorted(set(counts.index) - set(order))
    data = pd.DataFrame({"kind": kinds, "label": [f"{labels.get(k, k)}: {counts.loc[k, 'points']}" for k in kinds],
                         "points": [int(counts.loc[k, "points"]) for k in kinds], "names": [counts.loc[k, "names"] for k in kinds],
                         "y": [i * ROW + MARK for i in range(len(kinds))]})
    colors = {**{k: "#777777" for k in kinds}, **STATE_COLORS}
    colors["open"] = STATE_COLORS["open"]
    top = int(data["points"].max()) if len(data) else 1
    bars = alt.Chart(data).mark_rect(height=14).encode(
        x=alt.X("points:Q", title="Sticking points", scale=alt.Scale(domain=[0, top], nice=False),
                axis=alt.Axis(tickMinStep=1, format="d", grid=True)),
        y=alt.Y("y:Q", scale=None),
        color=alt.Color("kind:N", scale=scale(colors, kinds), legend=None),
        tooltip=[alt.Tooltip("label:N", title="State"), alt.Tooltip("names:N", title="Sticking points")])
    bars = bars.encode(x2=alt.datum(0))
    names = alt.Chart(data).mark_text(align="left", baseline="bottom", fontSize=LABEL, fontWeight="bold", color="#222").encode(
        x=alt.value(0), y=alt.Y("ny:Q", scale=None), text="label:N").transform_calculate(ny=f"datum.y - {MARK - NAME}")
    summary = "; ".join(f"{labels.get(k, k).lower()}: {n}" for k, n in zip(kinds, data["points"]))
    return frame(alt.layer(bars, names), height=max(ROW, ROW * len(kinds)),
                 title=f"Where the {len(o)} sticking points stood on {_d(on)}",
                 subtitle=["Each point counted once, by its state after the last event recorded for it."],
                 description=f"Bar chart of {len(o)} sticking points by where they stood on {_d(on)}: {summary}.")


__all__ = ["STATE_COLORS", "outcome_chart", "participation_chart", "status_history_chart", "status_matrix_chart"]
