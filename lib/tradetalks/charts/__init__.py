"""The report's charts: Altair specs (``specs``, ``matrices``, ``tariff_layers``), their look (``theme``,
``layout``) and offline rendering (``render``).

The chart functions are loaded on first use: Altair (with jsonschema) takes about two seconds to
import, which a page without charts (a round, a page of the chronology or of the sources) never pays.
Each use also switches on the report's renderer and theme (idempotent and cheap), so a chart shows as
the book shows it in any kernel, including one whose Altair settings were reset between pages.
"""
from __future__ import annotations

import importlib
from typing import Any

__all__ = ["enable_theme", "event_timeline", "outcome_chart", "participation_chart", "status_history_chart",
           "status_matrix_chart", "tariff_layers_chart", "tariff_step_chart"]


_SUBMODULES = ("bundle", "layout", "matrices", "png", "render", "specs", "tariff_layers", "theme")


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import render, specs

    render.enable()
    specs.enable_theme()
    return getattr(specs, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
