"""Time axes and labels that stay readable from a phone to a printed page, without hovering.

* :class:`TimeScale` -- the date axis. When a window opens long before the phases of the negotiations
  (the data reaches back to 2018), the years before the first phase are drawn compressed into a fixed
  share of the width, marked as such, so the months that matter keep room on a phone.
* :func:`rows` -- places labels in rows so that none overlaps another, for a given plot width.
* :func:`numbered` and :func:`key` -- numbered markers on a chart with a key under it: the key says in
  words what each number is, so nothing has to be read from a tooltip. Both are laid out twice, for a
  narrow plot (a phone) and a wide one; the chart picks its layout with :data:`theme.IS_NARROW`.

Every label is data (a field of a row): data text never enters an expression.
"""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from .theme import IS_NARROW, LABEL, LINE, NARROW_PLOT, WIDE_PLOT, wrap

#: Average advance of a character as a share of the font size (DejaVu Sans, the widest of the theme's fonts).
CHAR_EM = 0.62
DAY = pd.Timedelta(days=1)


def text_width(text: str, size: float = LABEL) -> float:
    """Estimated width in pixels of one line of text."""
    return len(str(text)) * CHAR_EM * size + 2


def chars_for(width: float, size: float = LABEL) -> int:
    """How many characters fit on a line ``width`` pixels wide."""
    return max(12, int((width - 2) / (CHAR_EM * size)))


def day(d) -> str:
    """'2025-05-14': how a date travels in chart data."""
    return pd.Timestamp(d).strftime("%Y-%m-%d")


def _ms(d) -> int:
    return int(pd.Timestamp(d).value // 10**6)


def _month_start(d: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(year=d.year, month=d.month, day=1)


# ---------------------------------------------------------------------------- the time axis

@dataclass(frozen=True)
class TimeScale:
    """The date axis of a window [start, end]; with ``focus``, [start, focus) takes ``share`` of the width."""
    start: pd.Timestamp
    end: pd.Timestamp
    focus: pd.Timestamp | None = None
    share: float = 0.0

    @classmethod
    def for_window(cls, ds, start, end, share: float = 0.22) -> TimeScale:
        """Compress the years before the first phase of the data when they would take more than
        ``share`` of the width (and more than a year and a half)."""
        s, e = pd.Timestamp(start), pd.Timestamp(end)
        phases = ds.phases[(ds.phases["end_date"] >= s) & (ds.phases["start_date"] <= e)]
        if len(phases):
            first = phases["start_date"].min()
            focus = _month_start(first - pd.Timedelta(days=20))
            total = (e + DAY - s).days
            before = (focus - s).days
            if before > 540 and total > 0 and before / total > share and (e - focus).days > 90:
                return cls(s, e, focus, share)
        return cls(s, e)

    @property
    def compressed(self) -> bool:
        return self.focus is not None

    @property
    def stop(self) -> pd.Timestamp:
        return self.end + DAY

    def frac(self, d) -> float:
        """Where a day falls across the plot, from 0 (left) to 1 (right)."""
        d = min(max(pd.Timestamp(d), self.start), self.stop)
        if not self.compressed:
            return (d - self.start) / (self.stop - self.start)
        if d < self.focus:
            return self.share * (d - self.start) / (self.focus - self.start)
        return self.share + (1 - self.share) * (d - self.focus) / (self.stop - self.focus)

    def ticks(self) -> list[pd.Timestamp]:
        """Tick days spaced so their labels fit a phone: whole years in the compressed part, then months."""
        gap = 36 / NARROW_PLOT  # the narrowest spacing between two labels, as a share of the width
        detail_from = self.focus if self.compressed else self.start
        span = (self.stop - detail_from).days / 30.4
        share = (1 - self.share) if self.compressed else 1.0
        for step in (1, 2, 3, 6, 12, 24, 36, 60):
            if share * step / max(span, 1e-9) >= gap:
                break
        first = _month_start(detail_from)
        if first < detail_from:
            first = first + pd.DateOffset(months=1)
        months = pd.date_range(first, self.stop, freq="MS")
        if step >= 12:
            months = months[months.month == 1]
            step = step // 12
            months = months[[(m.year - months[0].year) % step == 0 for m in months]] if len(months) else months
        else:
            anchors = months[(months.month - 1) % step == 0]
            months = anchors
        ticks = list(months)
        if self.compressed:
            years = [pd.Timestamp(year=y, month=1, day=1) for y in range(self.start.year + 1, self.focus.year + 1)]
            kept: list[pd.Timestamp] = []
            edge = self.share  # walk back from the focus, keeping labels apart
            for y in reversed(years):
                if y == self.focus or edge - self.frac(y) >= gap:
                    kept.append(y)
                    edge = self.frac(y)
            ticks = sorted(set(kept) | set(ticks))
        return [t for t in ticks if self.start <= t <= self.stop]

    def encoding(self, field: str = "day", title: str | None = None, axis: bool = True) -> alt.X:
        """The x encoding that defines the scale; give it to one layer only (the others use :func:`same_x`)."""
        # The domain is given raw, as milliseconds: Vega-Lite's own form for date domains does not survive
        # Vega's expression interpreter (the site's charts run without eval), and a raw domain may have
        # the three points of a compressed axis.
        params = dict(type="utc")
        if self.compressed:
            params["domainRaw"] = alt.ExprRef(f"[{_ms(self.start)}, {_ms(self.focus)}, {_ms(self.stop)}]")
            params["range"] = [0, alt.ExprRef(f"width * {self.share}"), alt.ExprRef("width")]
        else:
            params["domainRaw"] = alt.ExprRef(f"[{_ms(self.start)}, {_ms(self.stop)}]")
        ax = None
        if axis:
            ax = alt.Axis(values=[alt.DateTime(year=t.year, month=t.month, date=t.day, utc=True) for t in self.ticks()],
                          labelExpr=("utcmonth(datum.value) == 0 ? utcFormat(datum.value, '%Y') : "
                                     "(datum.index == 0 ? utcFormat(datum.value, '%b %Y') : utcFormat(datum.value, '%b'))"),
                          labelAngle=0, labelOverlap="greedy", labelFlush=True, grid=True)
        return alt.X(f"{field}:T", title=title, scale=alt.Scale(**params), axis=ax)

    def break_layers(self, height: int) -> list:
        """A light band over the compressed years and a dashed line where the scale changes."""
        if not self.compressed:
            return []
        band = alt.Chart(pd.DataFrame({"from": [day(self.start)], "to": [day(self.focus)]})).mark_rect(
            color="#f3f3f3").encode(x=same_x("from"), x2="to:T")
        edge = alt.Chart(pd.DataFrame({"from": [day(self.focus)]})).mark_rule(
            color="#999", strokeDash=[4, 3]).encode(x=same_x("from"))
        return [band, edge]

    def note(self) -> str:
        """What a reader needs to know about a compressed axis (empty when the axis is linear)."""
        if not self.compressed:
            return ""
        return f"Before {self.focus:%B %Y} the time axis is compressed (grey)."


def same_x(field: str) -> alt.X:
    """A date position on the scale another layer defined with :meth:`TimeScale.encoding`."""
    return alt.X(f"{field}:T")


# ---------------------------------------------------------------------------- labels without overlap

def rows(spans: list[tuple[float, float]], max_rows: int, gap: float = 6) -> list[int | None]:
    """Greedy rows for labels spanning [left, right] pixels (in their order): the first row where a label
    clears the previous one in that row by ``gap``; None when all ``max_rows`` are taken."""
    ends: list[float] = []
    out: list[int | None] = []
    for left, right in spans:
        for i, end in enumerate(ends):
            if left >= end + gap:
                ends[i] = right
                out.append(i)
                break
        else:
            if len(ends) < max_rows:
                ends.append(right)
                out.append(len(ends) - 1)
            else:
                out.append(None)
    return out


def pick(narrow: str, wide: str) -> str:
    """A Vega expression choosing the narrow or the wide layout's field of a datum."""
    return f"{IS_NARROW} ? datum.{narrow} : datum.{wide}"


# ---------------------------------------------------------------------------- numbered markers and their key

MARKER_ROW = 17   # vertical distance between rows of numbered markers
MARKER_TOP = 10   # centre of the first row, from the top of the plot


def numbered(items: pd.DataFrame, scale: TimeScale, *, rule_height: int | None = None, color: str = "#222") -> tuple[list, int]:
    """Numbered markers at the top of a plot, one per row of ``items`` (``day``, ``number``), in as many
    rows as a phone needs to keep them apart; optionally a dotted line down to the axis. Returns the
    layers and the height the markers take (leave it free at the top of the plot)."""
    if items.empty:
        return [], 0
    fr = [scale.frac(d) for d in items["day"]]
    layout = {}
    for key, width in (("n", NARROW_PLOT), ("w", WIDE_PLOT)):
        spans = [(f * width - 8, f * width + 8) for f in fr]
        layout[key] = [r if r is not None else 0 for r in rows(spans, 6, gap=2)]
    data = pd.DataFrame({"day": items["day"].map(day), "number": items["number"].astype(str),
                         "rn": layout["n"], "rw": layout["w"]})
    base = alt.Chart(data).transform_calculate(
        my=f"{MARKER_TOP} + ({pick('rn', 'rw')}) * {MARKER_ROW}")
    layers = []
    if rule_height:
        layers.append(base.mark_rule(color="#888", strokeDash=[1, 3], strokeWidth=1).encode(
            x=same_x("day"), y=alt.Y("my:Q", scale=None), y2=alt.datum(rule_height)))
    layers.append(base.mark_circle(size=230, color="white", stroke=color, strokeWidth=1.2, opacity=1).encode(
        x=same_x("day"), y=alt.Y("my:Q", scale=None)))
    layers.append(base.mark_text(fontSize=10, fontWeight="bold", color=color, baseline="middle").encode(
        x=same_x("day"), y=alt.Y("my:Q", scale=None), text="number:N"))
    height = MARKER_TOP + MARKER_ROW * max(max(layout["n"]), max(layout["w"])) + 10
    return layers, height


#: The symbols a key entry can start with (besides a number, drawn as the chart draws its markers).
KEY_SYMBOLS = ("band", "dash", "line", "diamond", "")
#: Containers at least this wide (and the static image) set a key in two columns, this far apart.
TWO_COLUMNS = "!(containerSize()[0] < 640)"
COLUMN = 300


def key_lines(entries: list[tuple[str, str]], top: int, *, heading: str = "") -> tuple[pd.DataFrame, int]:
    """The lines of a key under a plot: each entry (symbol, text) as a paragraph after its symbol (a
    number, or one of :data:`KEY_SYMBOLS`), wrapped to fit a phone. The same lines serve every width:
    ``y`` places them in one column, ``v`` and ``c`` (0 or 1) in two columns of about equal length (a
    paragraph is never split). Returns the rows (``y``, ``v``, ``c``, ``sym``, ``mark``, ``text``,
    ``indent``) and the key's height in one column (the taller)."""
    width = NARROW_PLOT + 30
    head = [{"sym": "", "mark": "", "text": line, "indent": 0} for line in (wrap(heading, chars_for(width)) if heading else [])]
    paragraphs = []
    for mark, text in entries:
        sym = mark if mark in KEY_SYMBOLS else "number"
        indent = 24 if mark else 0
        paragraphs.append([{"sym": sym if i == 0 else "", "mark": mark if i == 0 and sym == "number" else "",
                            "text": line, "indent": indent}
                           for i, line in enumerate(wrap(text, chars_for(width - indent)))])
    total = sum(len(p) for p in paragraphs)
    split, count = len(paragraphs), 0
    for i, p in enumerate(paragraphs):  # the first paragraph that ends past half the lines opens column 2
        count += len(p)
        if count >= total / 2:
            split = i + 1
            break
    out, y = [], top
    for row in head:
        out.append({**row, "y": y, "v": y, "c": 0})
        y += LINE
    v = {0: y, 1: y}
    for i, p in enumerate(paragraphs):
        c = 0 if i < split else 1
        for row in p:
            out.append({**row, "y": y, "v": v[c], "c": c})
            y += LINE
            v[c] += LINE
        y += 2
        v[c] += 2
    frame = pd.DataFrame(out, columns=["y", "v", "c", "sym", "mark", "text", "indent"])
    return frame, y - top


def key(entries: list[tuple[str, str]], top: int, *, heading: str = "", band: str = "#d6d6d6") -> tuple[list, int]:
    """A key drawn under the plot (at ``top`` pixels from the plot's top): see :func:`key_lines`. Numbers
    are drawn as the chart's numbered markers are."""
    if not entries and not heading:
        return [], 0
    lines, height = key_lines(entries, top, heading=heading)
    base = alt.Chart(lines).transform_calculate(ky=f"{TWO_COLUMNS} ? datum.v : datum.y",
                                                kx=f"{TWO_COLUMNS} ? datum.c * {COLUMN} : 0")
    y = alt.Y("cy:Q", scale=None)
    of = lambda sym: base.transform_filter(f"datum.sym == '{sym}'").transform_calculate(
        cy="datum.ky + 7", sx="datum.kx + 9", s0="datum.kx", s1="datum.kx + 18")
    x = alt.X("sx:Q", scale=None)
    layers = []
    kinds = set(lines["sym"])
    if "number" in kinds:
        layers += [of("number").mark_circle(size=200, color="white", stroke="#222", strokeWidth=1.2, opacity=1).encode(
                       x=x, y=y),
                   of("number").mark_text(fontSize=10, fontWeight="bold", color="#222", baseline="middle").encode(
                       x=x, y=y, text="mark:N")]
    if "band" in kinds:
        layers.append(of("band").transform_calculate(y0="datum.cy - 5", y1="datum.cy + 5").mark_rect(
            color=band, stroke="#777", strokeDash=[3, 2], strokeWidth=0.8).encode(
            x=alt.X("s0:Q", scale=None), x2="s1:Q", y=alt.Y("y0:Q", scale=None), y2="y1:Q"))
    for sym, dash in (("dash", [5, 3]), ("line", [1, 0])):
        if sym in kinds:
            layers.append(of(sym).mark_rule(color="#111", strokeDash=dash, strokeWidth=1.8).encode(
                x=alt.X("s0:Q", scale=None), x2="s1:Q", y=y))
    if "diamond" in kinds:
        layers.append(of("diamond").mark_point(shape="diamond", size=70, filled=True, fill="white", stroke="#111",
                                               strokeWidth=1.4, opacity=1).encode(x=x, y=y))
    layers.append(base.transform_calculate(tx="datum.kx + datum.indent").mark_text(
        align="left", baseline="top", fontSize=LABEL, color="#222").encode(
        x=alt.X("tx:Q", scale=None), y=alt.Y("ky:Q", scale=None), text="text:N"))
    return layers, height
