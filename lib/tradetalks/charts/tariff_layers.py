"""The tariff layers: what each side charged on the other's goods, layer by layer, over the window.

Two panels on one scale (a percentage point is as tall in both): the US tariff on Chinese goods above,
China's tariff on US goods below. In each:

* the layers laid on **all** the other side's goods are stacked (IEEPA fentanyl-linked and
  "reciprocal", the Section 122 surcharge, the Section 301 forced-labour duty; China's counter-tariff):
  their top is the headline rate, drawn as a line and labelled as such;
* layers on **selected** goods are not added to it, because they hit only some goods: the largest
  group is shown as an extra band on top of the headline for the goods it covers (Section 301 lists
  1-3; China's 2018-19 retaliation lists), another as a line at its own rate (Section 232 steel and
  aluminium; China's 2025 energy and farm tariffs), and the rest are counted in a note;
* the trade-weighted averages a source published (``average_rates.csv``) are drawn as points, with
  their source named in the key; threats that were announced but not enacted are numbered and named.

Every rate, day and name comes from the data; only the grouping of layers for display is set here.
"""
from __future__ import annotations

import re

import altair as alt
import pandas as pd

from ..analysis import queries as q
from ..analysis import tariffs as t
from ..data import Dataset
from .layout import TimeScale, day, key, numbered, same_x, text_width
from .theme import BLUE, GREEN, LABEL, NARROW_PLOT, PURPLE, SKY, VERMILLION, WIDE_PLOT, YELLOW, frame, scale

#: Colours of the headline layers (a layer keeps its colour in every chart).
LAYER_COLORS = {"IEEPA fentanyl-linked tariff": SKY, "IEEPA “reciprocal” tariff": BLUE,
                "Section 122 surcharge": GREEN, "Section 301 forced-labour duty": PURPLE,
                "China's counter-tariff": VERMILLION}
MEASURE_LABELS = {"fentanyl_ieepa": "IEEPA fentanyl-linked tariff", "reciprocal_ieepa": "IEEPA “reciprocal” tariff",
                  "section_122_surcharge": "Section 122 surcharge", "section_301_forced_labor": "Section 301 forced-labour duty",
                  "counter_tariff": "China's counter-tariff"}
EXTRA_COLORS = [YELLOW, "#7F7F7F", "#B8860B"]
BAND_FILL = "#d6d6d6"

#: Layers on selected goods drawn for each side: (pattern of measure ids, how, label). ``{rate}`` is the
#: group's highest rate at the window's end, ``{years}`` the years its layers were first imposed.
GROUPS = {
    "united_states": [(r"^section_301_list[123]$", "band", "on goods in Section 301 lists 1–3: +{rate}%"),
                      (r"^section_232_(steel|aluminium)$", "line", "Section 232 steel and aluminium: {rate}%")],
    "china": [(r"^retaliation_", "band", "on goods on China's {years} retaliation lists: up to +{rate}%"),
              (r"^(february_countermeasures|march_farm_tariffs)$", "line", "China's {years} energy and farm tariffs: {rate}%")],
}
BASIS_LABELS = {"section_301": "Section 301", "section_232": "Section 232", "de_minimis": "small-parcel duty",
                "ieepa": "IEEPA", "section_122": "Section 122", "china_tariff_law": "China's tariff law",
                "china_counter_measures": "China's countermeasures"}
PANEL_TITLES = {"united_states": "US tariffs on Chinese goods", "china": "China's tariffs on US goods"}
PX = 1.05        # pixels per percentage point, in both panels
MAX_THREATS = 6  # threats numbered on the chart at most
GAP = 46         # between the panels (the lower panel's title)


def _label(measure: str) -> str:
    return MEASURE_LABELS.get(measure, measure.replace("_", " ").replace("ieepa", "IEEPA"))


def _pct(x: float) -> str:
    return f"{x:g}"


def _d(ts) -> str:
    return f"{ts:%-d %B %Y}"


def _short(ts) -> str:
    return f"{ts:%-d %b %Y}"


def _rate_at(iv: pd.DataFrame, d: pd.Timestamp) -> float:
    live = iv[(iv["start"] <= d) & (iv["stop"] > d)]
    return float(live.groupby("measure")["rate_pct"].max().sum()) if len(live) else 0.0


def _group_rate(iv: pd.DataFrame, d: pd.Timestamp) -> float:
    live = iv[(iv["start"] <= d) & (iv["stop"] > d)]
    return float(live["rate_pct"].max()) if len(live) else 0.0


def _acronym(name: str) -> str:
    """'Peterson Institute for International Economics' -> 'PIIE' (names of more than three words)."""
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", name or "")]
    capital = [w for w in words if w[0].isupper()]
    return "".join(w[0] for w in capital) if len(words) > 3 and len(capital) >= 3 else (name or "")


def _side(ds: Dataset, side: str, ts: TimeScale, s, e):
    """Everything drawn for one side, in percentage points (no pixels yet)."""
    iv = t.layer_intervals(ds, side, s, e)
    head = iv[iv["counts_in_headline"]]
    days = sorted({ts.start, *iv["start"], *iv["stop"]} - {ts.stop} | {ts.stop})
    order = list(dict.fromkeys(head.sort_values("start", kind="stable")["measure"]))
    stack, top = [], []
    for a, b in zip(days[:-1], days[1:]):
        base = 0.0
        for m in order:
            r = _rate_at(head[head["measure"] == m], a)
            if r > 0:
                stack.append({"from": a, "to": b, "layer": _label(m), "y0": base, "y1": base + r, "rate": r})
                base += r
        top.append({"from": a, "to": b, "rate": base})
    top = pd.DataFrame(top, columns=["from", "to", "rate"])
    sel = iv[~iv["counts_in_headline"]]
    drawn, extras = set(), []
    for pattern, how, template in GROUPS.get(side, []):
        g = sel[sel["measure"].str.match(pattern)]
        if g.empty:
            continue
        drawn |= set(g["measure"])
        steps = ds.tariff_steps[ds.tariff_steps["measure"].isin(g["measure"]) & (ds.tariff_steps["rate_pct"] > 0)]
        years = sorted({d.year for d in steps.groupby("measure")["in_force"].min()})
        span = f"{years[0]}–{str(years[-1])[-2:]}" if len(years) > 1 else str(years[0])
        now = _group_rate(g, ts.end)
        label = template.format(rate=_pct(now), years=span) if now > 0 else (
            template.split(":")[0].format(years=span) + f": ended {_short(g['stop'].max())}")
        segs = [{"from": a, "to": b, "rate": _group_rate(g, a), "head": _rate_at(head, a)} for a, b in zip(days[:-1], days[1:])]
        segs = [x for x in segs if x["rate"] > 0]
        extras.append({"how": how, "label": label, "segs": segs, "now": now})
    rest = sel[~sel["measure"].isin(drawn) & (sel["stop"] > ts.end)]
    notes = []
    for basis, g in rest.groupby("legal_basis", sort=False):
        lo, hi = g["rate_pct"].min(), g["rate_pct"].max()
        n = g["measure"].nunique()
        rates = f"{_pct(lo)}%" if lo == hi else f"{_pct(lo)}–{_pct(hi)}%"
        notes.append(f"{BASIS_LABELS.get(basis, basis)} on {n} more group{'s' if n > 1 else ''} of goods ({rates})")
    return {"stack": pd.DataFrame(stack, columns=["from", "to", "layer", "y0", "y1", "rate"]), "top": top,
            "extras": extras, "notes": notes, "order": [_label(m) for m in order]}


def tariff_layers_chart(ds: Dataset, start=None, end=None) -> alt.LayerChart:
    """The tariff each side charged on the other's goods, layer by layer: the across-the-board layers
    stacked up to the headline rate, the main layers on selected goods beside them, the published
    trade-weighted averages as points, and threats never enacted numbered with a key."""
    s, e = q.window(ds, start, end)
    ts = TimeScale.for_window(ds, s, e, share=0.3)
    sides = {side: _side(ds, side, ts, s, e) for side in t.SIDES}
    avg = t.published_averages(ds, s, e)
    threats = t.key_tariff_events(ds, s, e)
    threats = threats[threats["why"] == "threat"].head(MAX_THREATS).reset_index(drop=True)
    threats["number"] = [str(i + 1) for i in range(len(threats))]
    _, used = numbered(threats, ts)
    # vertical layout, in pixels from the top of the plot
    peaks = {}
    for side, d in sides.items():
        tops = [d["top"]["rate"].max() if len(d["top"]) else 0.0]
        tops += [x["rate"] + (x["head"] if ex["how"] == "band" else 0) for ex in d["extras"] for x in ex["segs"]]
        tops += list(avg.loc[avg["imposing_side"].astype(str) == side, "rate_pct"])
        peaks[side] = max(20.0, max(tops) * 1.08)
    us_top = used + 22
    us_base = us_top + peaks["united_states"] * PX
    cn_top = us_base + GAP
    cn_base = cn_top + peaks["china"] * PX
    base_of = {"united_states": us_base, "china": cn_base}
    height = int(round(cn_base))
    marker_layers, _ = numbered(threats, ts, rule_height=int(us_base))

    def ypx(side, v):
        return round(base_of[side] - v * PX, 1)

    rects, lines, extra_rects, extra_lines, ends = [], [], [], [], []
    for side, d in sides.items():
        for r in d["stack"].itertuples():
            rects.append({"from": day(r[1]), "to": day(r[2]), "layer": r.layer, "y": ypx(side, r.y1), "y2": ypx(side, r.y0),
                          "rate": r.rate, "when": f"{_short(r[1])} – {_short(r[2] - pd.Timedelta(days=1))}"})
        for r in d["top"].itertuples():
            lines.append({"side": side, "day": day(r[1]), "y": ypx(side, r.rate)})
        if len(d["top"]):
            lines.append({"side": side, "day": day(ts.stop), "y": ypx(side, d["top"]["rate"].iloc[-1])})
        now = d["top"]["rate"].iloc[-1] if len(d["top"]) else 0.0
        ends.append({"side": side, "y": ypx(side, now), "short": f"{_pct(now)}%"})
        for ex in d["extras"]:
            for x in ex["segs"]:
                lo = x["head"] if ex["how"] == "band" else 0.0
                if ex["how"] == "band":
                    extra_rects.append({"from": day(x["from"]), "to": day(x["to"]), "y": ypx(side, lo + x["rate"]),
                                        "y2": ypx(side, lo)})
                else:
                    extra_lines.append({"from": day(x["from"]), "to": day(x["to"]), "y": ypx(side, x["rate"])})
    rect_data = pd.DataFrame(rects)
    layers = ts.break_layers(height)
    layers += _panel_frames(sides, ts, peaks, base_of, us_top, cn_top)
    if extra_rects:
        bands = pd.DataFrame(extra_rects)
        layers.append(alt.Chart(bands).mark_rect(color=BAND_FILL, stroke=BAND_FILL, strokeWidth=0.6).encode(
            x=ts.encoding("from"), x2="to:T", y=alt.Y("y:Q", scale=None), y2="y2:Q"))
        layers.append(alt.Chart(bands).mark_rule(color="#777", strokeDash=[3, 2], strokeWidth=1).encode(
            x=same_x("from"), x2="to:T", y=alt.Y("y:Q", scale=None)))
    order = [k for k in LAYER_COLORS if k in set(rect_data.get("layer", []))]
    order += sorted(set(rect_data.get("layer", [])) - set(order))
    colors = {**dict(zip(order, EXTRA_COLORS * 3)), **LAYER_COLORS}
    if len(rect_data):
        layers.append(alt.Chart(rect_data).mark_rect(strokeWidth=0.6).encode(
            x=same_x("from") if extra_rects else ts.encoding("from"), x2="to:T", y=alt.Y("y:Q", scale=None), y2="y2:Q",
            stroke=alt.Stroke("layer:N", scale=scale(colors, order), legend=None),
            color=alt.Color("layer:N", title=None, scale=scale(colors, order),
                            legend=alt.Legend(orient="top", direction="horizontal", symbolType="square",
                                              columns=alt.ExprRef("containerSize()[0] < 520 ? 1 : 2"), labelLimit=300)),
            tooltip=[alt.Tooltip("layer:N", title="Layer"), alt.Tooltip("rate:Q", title="Rate (%)"),
                     alt.Tooltip("when:N", title="In force")]))
    if extra_lines:
        layers.append(alt.Chart(pd.DataFrame(extra_lines)).mark_rule(color="#111", strokeDash=[5, 3], strokeWidth=1.6).encode(
            x=same_x("from"), x2="to:T", y=alt.Y("y:Q", scale=None)))
    if lines:
        layers.append(alt.Chart(pd.DataFrame(lines)).mark_line(interpolate="step-after", color="#111", strokeWidth=1.8).encode(
            x=same_x("day"), y=alt.Y("y:Q", scale=None), detail="side:N"))
    layers += _averages(avg, ts, ypx)
    layers += _end_labels(sides, ts, ypx, ends)
    layers += marker_layers
    entries = [("line", "Headline rate: the sum of the coloured layers, on all goods")]
    entries += [("band", ex["label"][0].upper() + ex["label"][1:]) for d in sides.values() for ex in d["extras"] if ex["how"] == "band"]
    entries += [("dash", ex["label"]) for d in sides.values() for ex in d["extras"] if ex["how"] == "line"]
    if len(avg):
        entries.append(("diamond", _average_note(avg)))
    entries += [(n, f"{_short(d)}: {title}") for n, d, title in zip(threats["number"], threats["day"], threats["title"])]
    notes = [f"{PANEL_TITLES[side].split(' on ')[0]}: {'; '.join(d['notes'])}" for side, d in sides.items() if d["notes"]]
    if notes:
        entries.append(("", "Also in force at the end, on some goods, not drawn: " + ". ".join(notes) + "."))
    key_layers, _ = key(entries, height + 28, band=BAND_FILL)
    layers += key_layers
    us, cn = sides["united_states"]["top"], sides["china"]["top"]
    say = lambda d: (f"peaks at {_pct(d['rate'].max())}% and ends at {_pct(d['rate'].iloc[-1])}%" if len(d) else "is not recorded")
    return frame(alt.layer(*layers), height=height,
                 title="Tariff layers: what each side charged on the other's goods",
                 subtitle=[f"{_d(s)} to {_d(e)}. Coloured layers hit all goods and add up to the headline "
                           "rate (black line); grey bands and dashed lines hit some goods only (key below).",
                           ts.note()],
                 description=(f"Stacked step chart of the tariff layers from {_d(s)} to {_d(e)}: the US headline tariff on "
                              f"Chinese goods {say(us)}, China's on US goods {say(cn)}; "
                              + "; ".join(ex["label"] for d in sides.values() for ex in d["extras"])
                              + f"; {len(avg)} published trade-weighted averages are drawn as points."),
                 ).resolve_scale(color="independent")


def _panel_frames(sides, ts, peaks, base_of, us_top, cn_top) -> list:
    """Each panel's title, grid lines and rate labels (the panels share no axis, so they are drawn here)."""
    grid, labels, titles = [], [], []
    for side in sides:
        step = 50 if peaks[side] > 80 else 25 if peaks[side] > 40 else 10
        v = 0
        while v <= peaks[side]:
            y = base_of[side] - v * PX
            grid.append({"y": y})
            labels.append({"y": y, "text": f"{v}%"})
            v += step
        titles.append({"y": (us_top if side == "united_states" else cn_top) - 8, "text": PANEL_TITLES[side]})
    layers = [alt.Chart(pd.DataFrame(grid)).mark_rule(color="#e2e2e2").encode(y=alt.Y("y:Q", scale=None)),
              alt.Chart(pd.DataFrame(labels)).mark_text(align="right", baseline="middle", fontSize=LABEL, color="#333", dx=-4).encode(
                  x=alt.value(0), y=alt.Y("y:Q", scale=None), text="text:N"),
              alt.Chart(pd.DataFrame(titles)).mark_text(align="left", baseline="bottom", fontSize=12, fontWeight="bold", color="#111").encode(
                  x=alt.value(0), y=alt.Y("y:Q", scale=None), text="text:N")]
    return layers


def _averages(avg: pd.DataFrame, ts: TimeScale, ypx) -> list:
    """The published averages as diamonds, each with its value where there is room for it."""
    if avg.empty:
        return []
    data = pd.DataFrame({"day": avg["date"].map(day), "y": [ypx(str(sd), r) for sd, r in zip(avg["imposing_side"], avg["rate_pct"])],
                         "text": [f"{r:g}%" for r in avg["rate_pct"]], "rate": avg["rate_pct"],
                         "source": [f"{_acronym(p)}, {_source_day(r)}" for p, (_, r) in zip(avg["publisher"], avg.iterrows())],
                         "when": avg["date"].map(_short)})
    for layout, width in (("n", NARROW_PLOT), ("w", WIDE_PLOT)):
        boxes, flags = [], []
        for _, r in data.iterrows():
            x0 = ts.frac(pd.Timestamp(r["day"])) * width + 6
            box = (x0, r["y"] - 7, x0 + text_width(r["text"], 10), r["y"] + 7)
            ok = box[2] <= width + 20 and all(box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3] for b in boxes)
            flags.append(ok)
            if ok:
                boxes.append(box)
        data["s" + layout] = flags
    points = alt.Chart(data).mark_point(shape="diamond", size=70, filled=True, fill="white", stroke="#111", strokeWidth=1.4,
                                        opacity=1).encode(
        x=same_x("day"), y=alt.Y("y:Q", scale=None),
        tooltip=[alt.Tooltip("when:N", title="Average on"), alt.Tooltip("rate:Q", title="Rate (%)"),
                 alt.Tooltip("source:N", title="Published by")])
    values = alt.Chart(data).transform_filter("containerSize()[0] < 520 ? datum.sn : datum.sw").mark_text(
        align="left", baseline="middle", dx=6, fontSize=10, color="#111").encode(
        x=same_x("day"), y=alt.Y("y:Q", scale=None), text="text:N")
    return [points, values]


def _source_day(r) -> str:
    if pd.notna(r.get("published_latest")):
        a, b = r["published"], r["published_latest"]
        return f"{a:%-d %b}–{_short(b)}" if a.year == b.year else f"{_short(a)}–{_short(b)}"
    return _short(r["published"])


def _average_note(avg: pd.DataFrame) -> str:
    """Who published the averages drawn, and when: '… PIIE (Peterson Institute …), charts of …'."""
    parts = []
    for publisher, g in avg.groupby("publisher", sort=False):
        versions = list(dict.fromkeys(_source_day(r) for _, r in g.iterrows()))
        short = _acronym(publisher)
        who = f"{short} ({publisher})" if short != publisher else publisher
        parts.append(f"{who}, versions of {', '.join(versions[:-1]) + ' and ' + versions[-1] if len(versions) > 1 else versions[0]}")
    return "Average tariff weighted by earlier trade, as published by " + "; ".join(parts) + "."


def _end_labels(sides, ts: TimeScale, ypx, ends) -> list:
    """The values at the right end of each panel, just past the plot: the headline (bold), the band's
    extra and the line's rate; moved apart where they would touch."""
    rows_ = []
    for side, d in sides.items():
        items = [(e["y"], e["short"], True) for e in ends if e["side"] == side]
        for ex in d["extras"]:
            if ex["now"] > 0 and ex["segs"]:
                last = ex["segs"][-1]
                if ex["how"] == "band":
                    items.append((ypx(side, last["head"] + last["rate"]), f"+{_pct(ex['now'])}%", False))
                else:
                    items.append((ypx(side, last["rate"]), f"{_pct(ex['now'])}%", False))
        items.sort()
        placed = []
        for y, text, bold in items:
            if placed and y < placed[-1][0] + 13:
                y = placed[-1][0] + 13
            placed.append((y, text, bold))
        rows_ += [{"y": y, "text": text, "bold": bold} for y, text, bold in placed]
    data = pd.DataFrame(rows_)
    data["day"] = day(ts.stop)
    base = alt.Chart(data)
    bold = base.transform_filter("datum.bold").mark_text(align="left", baseline="middle", dx=4, fontSize=LABEL,
                                                         fontWeight="bold", color="#111").encode(
        x=same_x("day"), y=alt.Y("y:Q", scale=None), text="text:N")
    plain = base.transform_filter("!datum.bold").mark_text(align="left", baseline="middle", dx=4, fontSize=LABEL,
                                                           color="#444").encode(
        x=same_x("day"), y=alt.Y("y:Q", scale=None), text="text:N")
    return [bold, plain]
