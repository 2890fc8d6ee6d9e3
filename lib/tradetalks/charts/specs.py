"""The report's charts, built with Altair from query results, all in one theme (:mod:`.theme`).

Every chart fits the width it is drawn at (a phone, a desktop column, a printed page), names what it
shows in its title, says how to read it in its subtitle (printed with it, so it never asks anyone to
hover), labels what matters on the chart itself (numbered markers with a key, see :mod:`.layout`), and
has a one-sentence ``description`` computed from the data (its accessible name). Tooltips only repeat
what the chart and the page already say. Charts aggregate in pandas first and embed only the rows and
fields they draw.

The time charts are here; the sticking-point and actor charts are in :mod:`.matrices`, the tariff
layers in :mod:`.tariff_layers`.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from ..analysis import queries as q
from ..analysis import tariffs as t
from ..data import Dataset
from .layout import TimeScale, day, key, numbered, pick, same_x, text_width
from .matrices import outcome_chart, participation_chart, status_history_chart, status_matrix_chart
from .tariff_layers import tariff_layers_chart
from .theme import (  # noqa: F401  (the palettes are part of this module's interface)
    EVENT_FAMILIES,
    FAMILY_COLORS,
    FAMILY_OF_TYPE,
    FAMILY_SHAPES,
    LABEL,
    NARROW_PLOT,
    OUTCOME_COLORS,
    SIDE_COLORS,
    STATUS_COLORS,
    STATUS_ORDER,
    STATUS_SHAPES,
    TARIFF_COLORS,
    WIDE_PLOT,
    enable_theme,
    frame,
    scale,
)

__all__ = ["enable_theme", "event_timeline", "outcome_chart", "participation_chart", "status_history_chart",
           "status_matrix_chart", "tariff_layers_chart", "tariff_step_chart"]

#: Above this many events the timeline draws counts per week (or month, or quarter) instead of one mark
#: per event, so a chart never embeds more rows than a reader can see, and its page stays under ~150 KB
#: (each event's mark carries about 0.5 KB: date, title, a brief summary and its citations).
MAX_EVENT_MARKS = 200
#: The most rows the counted timeline embeds.
MAX_COUNT_ROWS = 240


def _d(ts) -> str:
    return f"{ts:%-d %B %Y}"


def _short(ts) -> str:
    return f"{ts:%-d %b %Y}"


#: The longest summary a tooltip repeats (the chronology on the page has them whole).
BRIEF = 120


def _brief(text) -> str:
    """A summary cut at a word to at most :data:`BRIEF` characters, saying so with an ellipsis."""
    words = " ".join(str(text).split())
    if len(words) <= BRIEF:
        return words
    return words[:BRIEF].rsplit(" ", 1)[0].rstrip(",;:") + " …"


# ---------------------------------------------------------------------------- phases

def _phase_layers(ds: Dataset, ts: TimeScale) -> tuple[list, list[tuple[str, str]], int]:
    """The phases as alternating bands, numbered at their top; returns the layers, the key entries and
    the height the numbers take."""
    ph = ds.phases[(ds.phases["end_date"] >= ts.start) & (ds.phases["start_date"] <= ts.end)].reset_index(drop=True)
    if ph.empty:
        return [], [], 0
    ph["from"] = ph["start_date"].clip(lower=ts.start)
    ph["to"] = (ph["end_date"].clip(upper=ts.end) + pd.Timedelta(days=1))
    ph["mid"] = ph["from"] + (ph["to"] - ph["from"]) / 2
    number = [str(i + 1) for i in range(len(ph))]
    bands = pd.DataFrame({"from": ph["from"].map(day), "to": ph["to"].map(day), "shade": [i % 2 for i in range(len(ph))],
                          "name": ph["name"], "dates": [f"{_short(a)} – {_short(b)}" for a, b in zip(ph["start_date"], ph["end_date"])]})
    layers = [alt.Chart(bands).mark_rect().encode(
        x=same_x("from"), x2="to:T",
        color=alt.Color("shade:N", scale=alt.Scale(domain=[0, 1], range=["#e9eef3", "#f6f8fa"]), legend=None),
        tooltip=[alt.Tooltip("name:N", title="Phase"), alt.Tooltip("dates:N", title="Dates")])]
    marks, used = numbered(pd.DataFrame({"day": ph["mid"], "number": number}), ts, color="#445")
    layers += marks
    entries = [(n, f"{name} ({_short(a)} – {_short(b)})") for n, name, a, b in
               zip(number, ph["name"], ph["start_date"], ph["end_date"])]
    return layers, entries, used


# ---------------------------------------------------------------------------- timeline

def event_timeline(ds: Dataset, start=None, end=None, types=None, sticking_points=None, actors=None) -> alt.LayerChart:
    """Events by date in four lanes (negotiation, tariffs, export controls, other), over the numbered phases."""
    s, e = q.window(ds, start, end)
    ev = q.events_between(ds, s, e, types=types, sticking_points=sticking_points, actors=actors)
    ts = TimeScale.for_window(ds, s, e)
    families = list(EVENT_FAMILIES)
    lanes = 4 * 34
    phase_layers, entries, used = _phase_layers(ds, ts)
    top = used + 4
    height = top + lanes
    lane_y = alt.Y("family:N", title=None, sort=families, scale=alt.Scale(domain=families, range=[top, height], padding=0.3),
                   axis=alt.Axis(labelLimit=120, labelFontSize=11, domain=False, ticks=False, labelPadding=4,
                                 labelExpr="split(datum.label, ' ')[0]"))
    if len(ev) > MAX_EVENT_MARKS:
        marks, counted = _counted_events(ev, ts, lane_y)
        how = f"each circle counts the events of one {counted}, its area the number"
    else:
        marks = _event_marks(ds, ev, ts, lane_y)
        how = "hollow marks are scheduled events whose outcome is not recorded"
    lane_names = "; ".join(f.lower() for f in families)
    phase_key, _ = key(entries, height + 28, heading="Phases:") if entries else ([], 0)
    layers = ts.break_layers(height) + phase_layers + marks + phase_key
    subtitle = [f"{len(ev)} events, {_d(s)} to {_d(e)}, in four lanes: {lane_names}; {how}.",
                f"{'Numbered bands are the phases (key below). ' if entries else ''}{ts.note()}".strip()]
    return frame(alt.layer(*layers), height=height,
                 title="Events of the negotiations by date and kind", subtitle=subtitle,
                 description=(f"Timeline chart of {len(ev)} events between {_d(s)} and {_d(e)}, placed by date in four "
                              "lanes (negotiation; tariffs and retaliation; export controls and sanctions; statements "
                              "and other)" + (f" over {len(entries)} numbered phases: " if entries else "")
                              + "; ".join(f"{n} {text}" for n, text in entries) + ".")
                 ).resolve_scale(color="independent", shape="independent", size="independent")


def _event_marks(ds: Dataset, ev: pd.DataFrame, ts: TimeScale, lane_y: alt.Y) -> list:
    numbers = q.source_numbers(ds)
    cites = ds.event_sources[ds.event_sources["event_id"].isin(ev["id"])]
    cited = cites.groupby("event_id", sort=False)["source_id"].agg(
        lambda x: " ".join(f"[{numbers[i]}]" for i in sorted(set(x), key=lambda i: numbers.get(i, 0)) if i in numbers))
    data = pd.DataFrame({
        "day": ev["start_date"].clip(lower=ts.start).map(day), "when": [q.date_label(r) for _, r in ev.iterrows()],
        "family": ev["type"].astype(str).map(FAMILY_OF_TYPE).fillna("Statements and other"),
        "kind": ev["type"].astype(str).str.replace("_", " "), "title": ev["title"], "summary": ev["summary"].map(_brief),
        "sources": ev["id"].map(cited).fillna(""), "scheduled": ev["status"].astype(str) == "scheduled"})
    families = list(EVENT_FAMILIES)
    points = alt.Chart(data).mark_point(size=70, strokeWidth=1.4, opacity=0.9).encode(
        x=ts.encoding("day"), y=lane_y,
        color=alt.Color("family:N", title=None, scale=scale(FAMILY_COLORS, families), legend=None),
        shape=alt.Shape("family:N", scale=scale(FAMILY_SHAPES, families), legend=None),
        fill=alt.condition("datum.scheduled", alt.value("white"), alt.Fill("family:N", scale=scale(FAMILY_COLORS, families), legend=None)),
        tooltip=[alt.Tooltip("when:N", title="Date"), alt.Tooltip("title:N", title="Event"),
                 alt.Tooltip("kind:N", title="Type"), alt.Tooltip("summary:N", title="Summary"),
                 alt.Tooltip("sources:N", title="Sources")])
    return [points]


def _counted_events(ev: pd.DataFrame, ts: TimeScale, lane_y: alt.Y) -> tuple[list, str]:
    """Many events: one circle per period and lane, sized by the number of events (weeks, else months or quarters)."""
    fam = ev["type"].astype(str).map(FAMILY_OF_TYPE).fillna("Statements and other")
    start = ev["start_date"].clip(lower=ts.start)
    for period, unit in (("W-SUN", "week"), ("M", "month"), ("Q", "quarter"), ("Y", "year")):
        when = start.dt.to_period(period).dt.start_time.clip(lower=ts.start)
        counts = pd.DataFrame({"when": when, "family": fam}).groupby(["when", "family"]).size().rename("events").reset_index()
        word = unit
        if len(counts) <= MAX_COUNT_ROWS:
            break
    counts["day"] = counts["when"].map(day)
    marks = alt.Chart(counts[["day", "family", "events"]]).mark_circle(opacity=0.75).encode(
        x=ts.encoding("day"), y=lane_y,
        color=alt.Color("family:N", scale=scale(FAMILY_COLORS), legend=None),
        size=alt.Size("events:Q", scale=alt.Scale(range=[12, 260]), legend=None),
        tooltip=[alt.Tooltip("day:T", title=f"{word.capitalize()} from", format="%-d %b %Y"),
                 alt.Tooltip("family:N", title="Kind"), alt.Tooltip("events:Q", title="Events")])
    return [marks], word


# ---------------------------------------------------------------------------- headline tariffs

def tariff_step_chart(ds: Dataset, start=None, end=None) -> alt.LayerChart:
    """The headline additional tariff each side applied to the other's goods, as steps, with the events
    that moved it numbered on the chart and named in a key."""
    s, e = q.window(ds, start, end)
    first = t.first_headline_step(ds)
    if first is not None and s < first - pd.Timedelta(days=75) and first <= e:
        s = pd.Timestamp(year=first.year, month=first.month, day=1) - pd.DateOffset(months=1)
    ts = TimeScale.for_window(ds, s, e)
    series = q.tariff_series(ds, s, e)
    series["day"] = series["date"].map(day)
    series["when"] = series["date"].map(q.day_label)
    events = t.key_tariff_events(ds, s, e)
    events["number"] = [str(i + 1) for i in range(len(events))]
    plot = 250
    marker_layers, used = numbered(events, ts, rule_height=plot)
    peak = float(series["rate_pct"].max()) if len(series) else 0.0
    top = max(20.0, peak) * plot / max(plot - used - 26, 40)
    domain = list(TARIFF_COLORS)
    y = alt.Y("rate_pct:Q", title="Additional tariff (%)", scale=alt.Scale(domain=[0, top], nice=False),
              axis=alt.Axis(tickCount=5, labelExpr="datum.value + '%'"))
    lines = alt.Chart(series[["day", "rate_pct", "side_label"]]).mark_line(interpolate="step-after", strokeWidth=2.5).encode(
        x=ts.encoding("day"), y=y,
        color=alt.Color("side_label:N", title=None, scale=scale(TARIFF_COLORS, domain),
                        legend=alt.Legend(orient="top", direction="vertical", columns=1, symbolType="stroke")),
        strokeDash=alt.StrokeDash("side_label:N", scale=alt.Scale(domain=domain, range=[[1, 0], [6, 3]]), legend=None))
    dots = alt.Chart(series[["day", "when", "rate_pct", "side_label"]]).mark_point(filled=True, size=30).encode(
        x=same_x("day"), y="rate_pct:Q",
        color=alt.Color("side_label:N", scale=scale(TARIFF_COLORS, domain), legend=None),
        tooltip=[alt.Tooltip("side_label:N", title="Tariff"), alt.Tooltip("when:N", title="From"),
                 alt.Tooltip("rate_pct:Q", title="Rate (%)")])
    values = _value_labels(series, ts, top, plot)
    key_layers, _ = key([(n, f"{_short(d)}: {title}") for n, d, title in zip(events["number"], events["day"], events["title"])],
                        plot + 28)
    summary = q.tariff_summary(ds, s, e).set_index("imposing_side")
    parts = [f"{'the US tariff on Chinese goods' if side == 'united_states' else 'China’s tariff on US goods'} "
             f"{'rises' if r['peak'] > r['start'] else 'goes'} from {r['start']:g}% to a peak of {r['peak']:g}% on "
             f"{_d(r['peak_date'])} and ends at {r['end']:g}%" for side, r in summary.iterrows()]
    return frame(alt.layer(*ts.break_layers(plot), *marker_layers, lines, dots, *values, *key_layers), height=plot,
                 title="Headline tariffs: what each side charged on all the other's goods",
                 subtitle=[f"{_d(s)} to {_d(e)}. Only tariffs on all the other side's goods; tariffs on "
                           "selected goods come on top for those goods.",
                           f"Numbers mark the events that moved the rate or threatened to (key below). {ts.note()}".strip()],
                 description=(f"Step chart of the headline additional tariffs from {_d(s)} to {_d(e)}: "
                              + "; ".join(parts) + f"; {len(events)} events that moved them are numbered on the chart."),
                 ).resolve_scale(color="independent", strokeDash="independent")


def _value_labels(series: pd.DataFrame, ts: TimeScale, top: float, plot: int) -> list:
    """The peak and the last value of each side, written next to the line: the peak after its step, the
    last value at the right end, above the line or else below it; a label that would touch another is
    left out (both layouts are worked out here, in pixels)."""
    picks = []
    for _side, g in series.groupby("imposing_side", sort=False):
        g = g.reset_index(drop=True)
        i_peak = int(g["rate_pct"].idxmax())
        for i, what in ((i_peak, "peak"), (len(g) - 1, "end")):
            r = g.loc[i]
            after = g["date"].iloc[i + 1] if i + 1 < len(g) else ts.stop
            picks.append({"day": r["date"], "to": after, "rate": r["rate_pct"], "text": f"{r['rate_pct']:g}%",
                          "side_label": r["side_label"], "what": what})
    df = pd.DataFrame(picks, columns=["day", "to", "rate", "text", "side_label", "what"]).drop_duplicates(["side_label", "day", "what"])
    df = df[df["rate"] > 0].sort_values(["what", "rate"], ascending=[False, False]).reset_index(drop=True)
    for layout, width in (("n", NARROW_PLOT), ("w", WIDE_PLOT)):
        boxes, ys = [], []
        for _, r in df.iterrows():
            w = text_width(r["text"])
            line = plot - r["rate"] / top * plot
            x0 = ts.frac(r["to"]) * width + 3 if r["what"] == "peak" else width - w
            tries = [line] if r["what"] == "peak" else [line - 9, line + 8]
            chosen = None
            for yc in tries:
                box = (x0, yc - 7, x0 + w, yc + 7)
                if box[2] <= width + 2 and box[3] <= plot + 6 and all(
                        box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3] for b in boxes):
                    chosen = yc
                    boxes.append(box)
                    break
            ys.append(round(chosen, 1) if chosen is not None else -1)
        df["y" + layout] = ys
    df["at"] = [day(r["to"]) if r["what"] == "peak" else day(ts.stop) for _, r in df.iterrows()]
    data = df[["at", "text", "side_label", "what", "yn", "yw"]]
    base = alt.Chart(data).transform_calculate(ly=pick("yn", "yw")).transform_filter("datum.ly >= 0")
    colour = alt.Color("side_label:N", scale=scale(TARIFF_COLORS), legend=None)
    peak = base.transform_filter("datum.what == 'peak'").mark_text(
        align="left", baseline="middle", dx=3, fontSize=LABEL, fontWeight="bold").encode(
        x=same_x("at"), y=alt.Y("ly:Q", scale=None), text="text:N", color=colour)
    end = base.transform_filter("datum.what == 'end'").mark_text(
        align="right", baseline="middle", fontSize=LABEL, fontWeight="bold").encode(
        x=same_x("at"), y=alt.Y("ly:Q", scale=None), text="text:N", color=colour)
    return [peak, end]
