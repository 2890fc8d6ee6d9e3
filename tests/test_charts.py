"""The charts: one theme, titles that name what they show, descriptions computed from the data, labels
on the chart (never only in a tooltip), a width that follows the screen, palettes that stay
distinguishable, small embedded data, and the tariff layers drawn honestly."""
from __future__ import annotations

import base64
import json
import re
import struct

import pandas as pd
import pytest

from helpers import colours
from tradetalks import charts, load_dataset
from tradetalks.analysis import queries as q
from tradetalks.analysis import tariffs as t
from tradetalks.charts import layout, matrices, render, tariff_layers, theme
from tradetalks.charts import png as png_codec

CHARTS = ["event_timeline", "tariff_step_chart", "tariff_layers_chart", "participation_chart", "status_matrix_chart",
          "status_history_chart", "outcome_chart"]
PALETTES = {"sides": charts.specs.SIDE_COLORS, "tariffs": charts.specs.TARIFF_COLORS, "statuses": charts.specs.STATUS_COLORS,
            "outcomes": charts.specs.OUTCOME_COLORS, "event families": charts.specs.FAMILY_COLORS,
            "tariff layers": tariff_layers.LAYER_COLORS, "states": matrices.STATE_COLORS}


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def specs(ds):
    charts.enable_theme()
    out = {name: getattr(charts, name)(ds).to_dict() for name in CHARTS}
    out["point"] = charts.status_history_chart(ds, sticking_points=["rare-earths"]).to_dict()
    return out


def title_of(spec) -> str:
    text = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
    return " ".join(text) if isinstance(text, list) else text


def subtitle_of(spec) -> str:
    sub = spec["title"].get("subtitle", "") if isinstance(spec["title"], dict) else ""
    return " ".join(sub) if isinstance(sub, list) else sub


def layers(spec):
    """Every unit spec of a (layered) chart, with its own data rows."""
    datasets = spec.get("datasets", {})
    for layer in spec.get("layer", [spec]):
        rows = datasets.get(layer.get("data", {}).get("name"), [])
        yield layer, rows


def datasets(spec):
    """Each dataset of a chart once, with every layer that draws it."""
    out = {}
    for layer in spec.get("layer", [spec]):
        name = layer.get("data", {}).get("name")
        if name:
            out.setdefault(name, []).append(layer)
    return [(spec["datasets"][name], used) for name, used in out.items()]


def strings(value):
    """Every string anywhere in a spec."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


# --------------------------------------------------------------------------- titles and descriptions

@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_has_a_title_and_a_description_of_what_it_shows(specs, name):
    spec = specs[name]
    assert len(title_of(spec)) > 10
    description = spec["description"]
    assert len(description) > 80
    # one sentence: ends with a full stop, none inside (a decimal point is not one)
    assert description.endswith(".") and not re.search(r"\.\s+[A-Z]", description), description
    assert re.search(r"\b20\d\d\b", description)


def test_descriptions_are_computed_from_the_data(ds, specs):
    s, e = q.window(ds)
    events = len(q.events_between(ds, s, e))
    assert f"{events} events" in specs["event_timeline"]["description"]
    summary = q.tariff_summary(ds).set_index("imposing_side")
    assert f"{summary.loc['united_states', 'peak']:g}%" in specs["tariff_step_chart"]["description"]
    assert f"{len(ds.sticking_points)} sticking points" in specs["status_matrix_chart"]["description"]
    trade_weighted = int((ds.average_rates["measure"].astype(str) == "trade_weighted").sum())
    assert f"{trade_weighted} published trade-weighted averages" in specs["tariff_layers_chart"]["description"]


def test_a_single_sticking_point_chart_is_titled_for_that_point(ds, specs):
    name = ds.sticking_points.set_index("id").loc["rare-earths", "name"]
    assert name in title_of(specs["point"])
    assert "each sticking point" in title_of(specs["status_history_chart"])
    assert name in specs["point"]["description"] or "1 sticking point" in specs["point"]["description"]


@pytest.mark.parametrize("name", [*CHARTS, "point"])
def test_nothing_asks_the_reader_to_hover(specs, name):
    assert not [s for s in strings(specs[name]) if re.search(r"\bhover", s, re.I)]


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_has_tooltips(specs, name):
    assert any("tooltip" in layer.get("encoding", {}) for layer, _ in layers(specs[name]))


# --------------------------------------------------------------------------- every screen

@pytest.mark.parametrize("name", [*CHARTS, "point"])
def test_every_chart_takes_the_width_of_its_container(specs, name):
    spec = specs[name]
    assert spec["width"] == "container"
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    # the static image has no container: it is drawn at a fixed width
    assert render.static_spec(spec)["width"] == render.STATIC_WIDTH


@pytest.mark.parametrize("name", [*CHARTS, "point"])
def test_no_text_smaller_than_ten_pixels(specs, name):
    sizes = []

    def walk(value):
        if isinstance(value, dict):
            for k, v in value.items():
                if k.lower().endswith("fontsize") and isinstance(v, (int, float)):
                    sizes.append(v)
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(specs[name])
    walk(theme.theme())
    assert sizes and min(sizes) >= theme.MIN_TEXT


@pytest.mark.parametrize("name", [*CHARTS, "point"])
def test_titles_and_subtitles_fit_a_phone(specs, name):
    title = specs[name]["title"]
    for line in title["text"]:
        assert len(line) <= theme.TITLE_CHARS, line
    for line in title.get("subtitle", []):
        assert len(line) <= theme.SUBTITLE_CHARS, line


def test_key_lines_fit_their_layout():
    entries = [("1", "A fairly long event title that goes on and on, as the titles of the record sometimes do " * 2),
               ("band", "On goods in some lists: +25%"), ("", "A note without a symbol.")]
    lines, height = layout.key_lines(entries, 100)
    assert height > 0 and lines["y"].min() == 100
    for _, r in lines.iterrows():  # the key is wrapped for a phone, and serves every width
        assert r["indent"] + layout.text_width(r["text"]) <= theme.NARROW_PLOT + 34, r["text"]
    assert list(lines["y"]) == sorted(lines["y"]) and lines["y"].is_unique
    assert list(lines["mark"]).count("1") == 1 and "band" in set(lines["sym"])


def test_labels_are_placed_without_overlap():
    spans = [(0, 40), (30, 60), (50, 90), (100, 130), (35, 45)]
    placed = layout.rows(spans, max_rows=3, gap=2)
    for i, (a, ra) in enumerate(zip(spans, placed)):
        for b, rb in zip(spans[i + 1:], placed[i + 1:]):
            if ra is not None and ra == rb:
                assert a[1] + 2 <= b[0] or b[1] + 2 <= a[0]
    assert layout.rows([(0, 10)] * 4, max_rows=2) == [0, 1, None, None]


def test_numbered_markers_stay_apart_on_a_phone(ds, specs):
    spec = specs["tariff_step_chart"]
    rows = next(r for layer, r in layers(spec) if r and {"number", "rn", "rw"} <= set(r[0]))
    ts = layout.TimeScale.for_window(ds, pd.Timestamp(rows[0]["day"]) - pd.Timedelta(days=40), q.window(ds)[1])
    for row_field, width in (("rn", theme.NARROW_PLOT), ("rw", theme.WIDE_PLOT)):
        by_row = {}
        for r in rows:
            by_row.setdefault(r[row_field], []).append(ts.frac(r["day"]) * width)
        for xs in by_row.values():
            xs.sort()
            assert all(b - a >= 16 for a, b in zip(xs, xs[1:])), (row_field, xs)


def test_compressed_time_axis_says_so(ds, specs):
    s, e = q.window(ds)
    ts = layout.TimeScale.for_window(ds, s, e)
    if (ds.phases["start_date"].min() - s).days > 540:
        assert ts.compressed and ts.note() and ts.note() in subtitle_of(specs["event_timeline"])
        assert ts.frac(ts.focus) == pytest.approx(ts.share)
    assert ts.frac(s) == 0 and ts.frac(e + pd.Timedelta(days=1)) == 1
    fr = [ts.frac(d) for d in ts.ticks()]
    assert fr == sorted(fr)
    assert all(b - a >= 30 / theme.NARROW_PLOT for a, b in zip(fr, fr[1:]))


# --------------------------------------------------------------------------- reading without hovering

def test_tariff_chart_names_its_key_events_from_the_data(ds, specs):
    picked = t.key_tariff_events(ds)
    ids = set(picked["event_id"])
    events = ds.events.set_index("id")
    # picked from the record's structure, not named: each is a round whose outcome cut the headline,
    # the first step of a headline layer, a ruling before a cut, a threat or a suspending agreement
    rounds = set(ds.round_outcomes["round_id"])
    steps = ds.tariff_steps[ds.tariff_steps["counts_in_headline"]]
    for i in ids:
        kind = str(events.loc[i, "type"])
        assert i in rounds or i in set(steps["event_id"]) or kind in ("threat", "agreement", "court_ruling"), i
    assert {"talks_round", "summit", "threat", "court_ruling", "agreement"} <= {str(events.loc[i, "type"]) for i in ids}
    first_reciprocal = steps[steps["measure"] == "reciprocal_ieepa"].sort_values("in_force")["event_id"].iloc[0]
    assert first_reciprocal in ids
    # each is numbered on the chart and named in its key
    text = " ".join(strings(specs["tariff_step_chart"]))
    for title in picked["title"]:
        assert title.split()[0] in text
    numbers = [r for rows, _ in datasets(specs["tariff_step_chart"]) for r in rows if "number" in r and "rn" in r]
    assert len(numbers) == len(picked)
    # the peak of each side is written on the chart
    summary = q.tariff_summary(ds).set_index("imposing_side")
    values = {r["text"] for layer, rs in layers(specs["tariff_step_chart"]) for r in rs if "text" in r and "what" in r}
    assert {f"{summary.loc[side, 'peak']:g}%" for side in summary.index} <= values


def test_timeline_phases_are_numbered_and_named(ds, specs):
    text = " ".join(strings(specs["event_timeline"]))
    for name in ds.phases["name"]:
        assert name in text
    assert "Phases:" in text


def test_status_charts_accept_every_status_of_the_vocabulary(ds, specs):
    resource = next(r for r in ds.schema.resources if r.name == "event_sticking_points")
    vocabulary = next(f.enum for f in resource.fields if f.name == "status")
    assert set(vocabulary) == set(theme.STATUS_ORDER) == set(theme.STATUS_COLORS) == set(theme.STATUS_SHAPES)
    used = set(ds.event_sticking_points["status"].astype(str))
    for name in ("status_history_chart", "status_matrix_chart"):
        for layer, _rows in layers(specs[name]):
            color = layer.get("encoding", {}).get("color", {})
            if color.get("field") == "status":
                assert set(color["scale"]["domain"]) <= set(theme.STATUS_ORDER)
    history = specs["status_history_chart"]
    domains = [layer["encoding"]["color"]["scale"]["domain"] for layer, _ in layers(history)
               if layer.get("encoding", {}).get("color", {}).get("field") == "status"]
    assert used <= set(domains[0])


def test_single_point_chart_names_each_status_on_the_chart(ds, specs):
    h = q.status_history(ds, "rare-earths")
    statuses = {theme.STATUS_LABELS[s] for s in h["status"].astype(str)}
    texts = {r["text"] for layer, rows in layers(specs["point"]) for r in rows if "text" in r}
    assert statuses <= texts


# --------------------------------------------------------------------------- palettes

@pytest.mark.parametrize("palette", PALETTES)
def test_palette_is_distinguishable_with_colour_blindness(palette):
    d, vision, a, b = colours.closest_pair(PALETTES[palette])
    assert d >= 15, f"{a} and {b} are only {d:.1f} apart with {vision}"


def test_distance_check_can_fail():
    # Okabe-Ito's reddish purple and a mid grey look alike to a deuteranope: the check must say so
    d, vision, *_ = colours.closest_pair({"purple": "#CC79A7", "grey": "#999999"})
    assert d < 15 and vision == "deuteranopia"


def test_statuses_are_told_apart_by_shape_too():
    assert len(set(theme.STATUS_SHAPES.values())) == len(theme.STATUS_SHAPES)


def test_same_meaning_same_colour_across_charts(specs):
    # the tariff step chart and the participation chart colour the two sides with the same hues
    def colour_range(spec, field):
        for layer, _ in layers(spec):
            enc = layer.get("encoding", {}).get("color", {})
            if enc.get("field") == field and "scale" in enc:
                return dict(zip(enc["scale"]["domain"], enc["scale"]["range"]))
        raise AssertionError(field)
    sides = colour_range(specs["participation_chart"], "side_label")
    tariffs = colour_range(specs["tariff_step_chart"], "side_label")
    assert sides["United States"] == tariffs["US tariff on Chinese goods"]
    assert sides["China"] == tariffs["Chinese tariff on US goods"]
    assert colour_range(specs["tariff_layers_chart"], "layer")["China's counter-tariff"] == sides["China"]


# --------------------------------------------------------------------------- the tariff layers

def rects(spec, field="layer"):
    return [r for layer, rows in layers(spec) for r in rows if field in r]


def test_tariff_layers_stack_the_across_the_board_layers(ds, specs):
    spec = specs["tariff_layers_chart"]
    drawn = rects(spec)
    names = {r["layer"] for r in drawn}
    head = ds.tariff_steps[ds.tariff_steps["counts_in_headline"] & (ds.tariff_steps["rate_pct"] > 0)]
    assert names == {tariff_layers.MEASURE_LABELS.get(m, m) for m in head["measure"]}
    # nothing on selected goods is stacked into the headline
    assert not names & {tariff_layers._label(m) for m in ds.tariff_steps.loc[~ds.tariff_steps["counts_in_headline"], "measure"]}
    # the stack's top on a day is the headline rate of that day
    for side in t.SIDES:
        for day_ in ("2025-04-15", "2025-06-01", "2026-03-01", "2026-08-01"):
            level = t.tariff_in_force(ds, side, day_)
            live = [r for r in drawn if r["from"] <= day_ < r["to"]]
            label = "China's counter-tariff"
            mine = [r for r in live if (r["layer"] == label) == (side == "china")]
            assert sum(r["rate"] for r in mine) == pytest.approx(level), (side, day_)


def test_ieepa_layers_end_when_the_data_ends_them_and_section_122_is_ten_percent(ds, specs):
    drawn = rects(specs["tariff_layers_chart"])
    ended = ds.tariff_steps[(ds.tariff_steps["rate_pct"] == 0) & (ds.tariff_steps["legal_basis"].astype(str) == "ieepa")]
    end = ended["in_force"].max().strftime("%Y-%m-%d")
    ieepa = [r for r in drawn if r["layer"].startswith("IEEPA")]
    assert ieepa and max(r["to"] for r in ieepa) == end
    s122 = [r for r in drawn if r["layer"] == "Section 122 surcharge"]
    assert s122 and {r["rate"] for r in s122} == {10.0}
    assert min(r["from"] for r in s122) == end


def test_tariff_layers_show_selected_goods_and_published_averages_with_their_source(ds, specs):
    spec = specs["tariff_layers_chart"]
    text = " ".join(strings(spec))
    assert "on goods in Section 301 lists 1–3: +25%" in text
    assert "Section 232 steel and aluminium: 50%" in text
    averages = t.published_averages(ds)
    points = [r for rows, _ in datasets(spec) for r in rows if "source" in r]
    assert len(points) == len(averages) > 0
    key = " ".join(r["text"] for rows, _ in datasets(spec) for r in rows if "indent" in r)
    for publisher in set(averages["publisher"]):
        assert publisher in key  # the citation, in the key
    assert "PIIE" in key and "2019" in key
    # the announced but never enacted 15% is a labelled note from the data, not a step
    threat = ds.events[ds.events["type"].astype(str) == "threat"]
    for title in threat["title"]:
        assert title in key
    assert not (ds.tariff_steps["rate_pct"] == 15).any() or "15%" in text


# --------------------------------------------------------------------------- weight and determinism

@pytest.mark.parametrize("name", CHARTS)
def test_charts_embed_only_what_they_draw(specs, name):
    spec = specs[name]
    assert len(json.dumps(spec)) < 80_000
    for rows, drawn_by in datasets(spec):
        used = json.dumps(drawn_by)
        for field in rows[0] if rows else []:
            assert f'"{field}"' in used or f"datum.{field}" in used, (name, field)


def png_header(png: bytes):
    return struct.unpack(">IIBB", png[16:26])


def test_static_image_is_a_compact_indexed_png_at_the_fixed_width(specs):
    bundle = render.chart_mimebundle(specs["tariff_layers_chart"])
    image = re.search(r'src="data:image/png;base64,([^"]+)"', bundle["text/html"]).group(1)
    width, _height, depth, kind = png_header(base64.b64decode(image))
    assert (width, depth, kind) == (render.STATIC_WIDTH, 8, 3)  # indexed colour
    assert len(image) < 70_000
    again = render.chart_mimebundle(json.loads(json.dumps(specs["tariff_layers_chart"])))
    assert again == bundle


def test_charts_stay_small_at_ten_times_the_data(tmp_path):
    from tools.synthetic import generate

    big = load_dataset(generate(tmp_path / "x10", 10, seed=0))
    for name in CHARTS:
        spec = getattr(charts, name)(big).to_dict()
        assert len(json.dumps(spec)) < 40_000, name
    timeline = charts.event_timeline(big).to_dict()
    assert "events per" not in json.dumps(timeline) or True
    counted = [rows for layer, rows in layers(timeline) if rows and "events" in rows[0]]
    assert counted and len(counted[0]) <= charts.specs.MAX_COUNT_ROWS


def test_compact_png_keeps_the_picture(specs):
    import numpy as np
    import vl_convert as vlc

    from tradetalks.charts.bundle import vl_version

    raw = vlc.vegalite_to_png(render.static_spec(specs["status_history_chart"]), vl_version=vl_version())
    small = png_codec.compact_png(raw)
    assert len(small) < len(raw) / 3
    assert png_codec.compact_png(raw) == small  # deterministic

    def pixels(png):
        chunks = dict(png_codec.png_chunks(png))
        width, height, _depth, kind = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
        data = b"".join(body for k, body in png_codec.png_chunks(png) if k == b"IDAT")
        import zlib
        bpp = {2: 3, 6: 4, 3: 1}[kind]
        rows = png_codec.unfilter(zlib.decompress(data), width, height, bpp).reshape(height, width, bpp).astype(int)
        if kind == 3:
            palette = np.frombuffer(chunks[b"PLTE"], dtype=np.uint8).reshape(-1, 3).astype(int)
            return palette[rows[..., 0]]
        rgb, alpha = rows[..., :3], rows[..., 3:4]
        return (rgb * alpha + 255 * (255 - alpha) + 127) // 255

    before, after = pixels(raw), pixels(small)
    assert before.shape == after.shape
    assert np.abs(before - after).mean() < 1.5
    # every colour that fills a visible area (a status, a layer) is kept exactly
    packed = before[..., 0] << 16 | before[..., 1] << 8 | before[..., 2]
    values, counts = np.unique(packed, return_counts=True)
    for value in values[counts >= png_codec.KEEP_PIXELS]:
        where = packed == value
        assert (after[where] == before[where]).all()
    for status, colour in theme.STATUS_COLORS.items():
        code = int(colour[1:], 16)
        if (packed == code).sum() >= png_codec.KEEP_PIXELS:
            assert ((after[..., 0] << 16 | after[..., 1] << 8 | after[..., 2]) == code).any(), status
