"""The charts: one theme, titles and descriptions everywhere, palettes that stay distinguishable."""
from __future__ import annotations

import pytest

from helpers import colours
from tradetalks import charts, load_dataset

CHARTS = ["event_timeline", "tariff_step_chart", "participation_chart", "status_matrix_chart",
          "status_history_chart", "outcome_chart"]
PALETTES = {"sides": charts.specs.SIDE_COLORS, "tariffs": charts.specs.TARIFF_COLORS, "statuses": charts.specs.STATUS_COLORS,
            "outcomes": charts.specs.OUTCOME_COLORS, "event families": charts.specs.FAMILY_COLORS}


@pytest.fixture(scope="module")
def specs():
    ds = load_dataset()
    charts.enable_theme()
    return {name: getattr(charts, name)(ds).to_dict() for name in CHARTS}


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_has_a_title_and_a_description_of_what_it_shows(specs, name):
    spec = specs[name]
    title = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
    assert len(title) > 10
    assert len(spec["description"]) > 80 and ("2025" in spec["description"])


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_has_tooltips(specs, name):
    layers = specs[name].get("layer", [specs[name]])
    assert any("tooltip" in layer.get("encoding", {}) for layer in layers)


@pytest.mark.parametrize("palette", PALETTES)
def test_palette_is_distinguishable_with_colour_blindness(palette):
    d, vision, a, b = colours.closest_pair(PALETTES[palette])
    assert d >= 15, f"{a} and {b} are only {d:.1f} apart with {vision}"


def test_distance_check_can_fail():
    # Okabe-Ito's reddish purple and a mid grey look alike to a deuteranope: the check must say so
    d, vision, *_ = colours.closest_pair({"purple": "#CC79A7", "grey": "#999999"})
    assert d < 15 and vision == "deuteranopia"


def test_same_meaning_same_colour_across_charts(specs):
    # the tariff step chart and the participation chart colour the two sides with the same hues
    def colour_range(spec, field):
        for layer in spec.get("layer", [spec]):
            enc = layer.get("encoding", {}).get("color", {})
            if enc.get("field") == field:
                return dict(zip(enc["scale"]["domain"], enc["scale"]["range"]))
        raise AssertionError(field)
    sides = colour_range(specs["participation_chart"], "side_label")
    tariffs = colour_range(specs["tariff_step_chart"], "side_label")
    assert sides["United States"] == tariffs["US tariff on Chinese goods"]
    assert sides["China"] == tariffs["Chinese tariff on US goods"]
