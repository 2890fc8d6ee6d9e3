"""One look for every chart: palettes, sizes, the theme, and the frame every chart gets.

Colours are fixed per meaning (a side, a status, a tariff layer, an event family) so the same thing has
the same colour in every chart. The palettes are Okabe-Ito colours (and a few tints of them), chosen to
stay distinguishable for colour-blind readers; ``tests/test_charts.py`` measures every palette under
the three kinds of colour blindness.

Every chart is drawn to the width of its container (a phone, a desktop column, a printed page):
``width: "container"`` with ``autosize: fit-x``. Text is never smaller than :data:`MIN_TEXT` pixels,
because the live chart is never scaled down: it is laid out again at the width it is given. Labels
that would collide on a phone are laid out twice (see :mod:`.annotate`): a narrow layout for
containers under :data:`NARROW_BELOW` pixels and a wide one above, chosen by the chart itself.
"""
from __future__ import annotations

import textwrap

import altair as alt

from ..analysis.queries import EVENT_FAMILIES, FAMILY_OF_TYPE  # noqa: F401  (the families the palette colours)
from .render import STATIC_WIDTH

# Okabe-Ito palette
BLUE, VERMILLION, GREEN, ORANGE, SKY, PURPLE, YELLOW, GREY, BLACK, DARK_GREY = (
    "#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442", "#999999", "#000000", "#555555")
LIGHT_GREEN = "#A6DBA0"

SIDE_COLORS = {"United States": BLUE, "China": VERMILLION, "Third parties": GREY}
TARIFF_COLORS = {"US tariff on Chinese goods": BLUE, "Chinese tariff on US goods": VERMILLION}

#: Every status of the data's vocabulary (data/README.md), in the order a legend lists them.
STATUS_ORDER = ["raised", "escalated", "negotiated", "pledged", "partly_implemented", "agreed", "suspended",
                "eased", "unresolved", "closed"]
STATUS_LABELS = {s: s.replace("_", " ") for s in STATUS_ORDER}
STATUS_COLORS = {"raised": YELLOW, "escalated": VERMILLION, "negotiated": SKY, "pledged": LIGHT_GREEN,
                 "partly_implemented": ORANGE, "agreed": GREEN, "suspended": PURPLE, "eased": BLUE,
                 "unresolved": DARK_GREY, "closed": BLACK}
# Shapes as well as colours, so no status rests on colour alone (custom shapes are SVG paths on -1..1).
_STAR = "M0,-1L0.24,-0.31L0.95,-0.31L0.38,0.12L0.59,0.81L0,0.4L-0.59,0.81L-0.38,0.12L-0.95,-0.31L-0.24,-0.31Z"
_HEXAGON = "M0,-1L0.87,-0.5L0.87,0.5L0,1L-0.87,0.5L-0.87,-0.5Z"
STATUS_SHAPES = {"raised": "circle", "escalated": "triangle-up", "negotiated": "diamond", "pledged": "triangle-left",
                 "partly_implemented": _HEXAGON, "agreed": "square", "suspended": "cross", "eased": "triangle-down",
                 "unresolved": "triangle-right", "closed": _STAR}
OUTCOME_COLORS = {"Settled by agreement": GREEN, "Suspended": PURPLE, "Still open": DARK_GREY}
ROLE_ORDER = ["leader", "lead_negotiator", "delegate", "host", "commentator", "announcer", "signatory", "testifier", "subject"]

# Event types grouped into the four lanes of the timeline.
FAMILY_COLORS = {"Negotiation": GREEN, "Tariffs and retaliation": VERMILLION,
                 "Export controls and sanctions": BLUE, "Statements and other": ORANGE}
FAMILY_SHAPES = {"Negotiation": "circle", "Tariffs and retaliation": "triangle-up",
                 "Export controls and sanctions": "square", "Statements and other": "diamond"}

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
#: The smallest text any chart draws, in CSS pixels.
MIN_TEXT = 10
#: Size of labels drawn on the charts (annotations, keys, values).
LABEL = 11
#: Height of one line of labels.
LINE = 14
#: Containers narrower than this (in CSS pixels) get a chart's narrow layout.
NARROW_BELOW = 520
#: The narrowest plot (inner) width each layout is made for: a 360 px phone, and the narrowest wide container.
NARROW_PLOT, WIDE_PLOT = 250, 420
#: Vega expression: true when the chart is drawn in a narrow container. With no container (the static
#: image, rendered at :data:`STATIC_WIDTH`) it is false: the image gets the wide layout.
IS_NARROW = f"containerSize()[0] < {NARROW_BELOW}"
#: Characters per line of a title and of a subtitle: what fits a phone.
TITLE_CHARS, SUBTITLE_CHARS = 38, 52


def theme() -> dict:
    return {"config": {
        "font": FONT,
        "view": {"stroke": None, "continuousWidth": STATIC_WIDTH - 80},
        "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#333", "offset": 10,
                  "subtitlePadding": 4},
        "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal", "labelColor": "#222",
                 "titleColor": "#222", "gridColor": "#e6e6e6"},
        "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "bottom", "direction": "horizontal",
                   "titleFontWeight": "normal", "columns": 2, "labelLimit": 240, "symbolSize": 90},
        "header": {"labelFontSize": 12, "titleFontSize": 12},
        "text": {"fontSize": LABEL},
    }}


def enable_theme() -> None:
    alt.theme.register("tradetalks", enable=True)(theme)


def scale(mapping: dict, domain=None) -> alt.Scale:
    """A categorical scale giving each value of ``domain`` (all of ``mapping`` by default) its fixed colour or shape."""
    domain = list(domain) if domain is not None else list(mapping)
    return alt.Scale(domain=domain, range=[mapping[d] for d in domain])


def wrap(text: str, width: int) -> list[str]:
    """Text as lines of at most ``width`` characters (a word longer than that is cut)."""
    return textwrap.wrap(" ".join(str(text).split()), width=width, break_long_words=True, break_on_hyphens=False) or [""]


def frame(chart, *, title: str, subtitle: str | list[str] = "", description: str, height: int):
    """Give a chart what every chart has: the width of its container, a fixed plot height, a title that
    names what it shows, a subtitle that says how to read it (printed, so it never speaks of hovering),
    and a one-sentence description computed from the data (the chart's accessible name)."""
    lines = subtitle if isinstance(subtitle, list) else [subtitle] if subtitle else []
    sub = [part for line in lines for part in wrap(line, SUBTITLE_CHARS)]
    params = {"text": wrap(title, TITLE_CHARS)}
    if sub:
        params["subtitle"] = sub
    return chart.properties(
        width="container", height=height, title=alt.Title(**params), description=" ".join(description.split()),
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
