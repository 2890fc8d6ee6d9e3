"""Run inside a shared kernel before each page, so every page starts from the state a fresh kernel has.

The build executes many pages on one long-lived kernel per worker (the imports are paid once). What a
page could leave behind for the next one is undone here: the user namespace, history and execution
count (IPython's own reset), the working directory, warning filters, ``sys.path``, pandas and Altair
options, and the lib's caches. Strict nbval re-executes every published page in a fresh kernel and
compares its outputs, which proves the pages do not depend on their order.
"""
from __future__ import annotations

import os
import sys
import warnings

_baseline: dict = {}


def snapshot() -> None:
    """Record the kernel's state once its imports are done (called at kernel start)."""
    _baseline.update(warnings=list(warnings.filters), path=list(sys.path), environ=dict(os.environ))


def prepare(cwd: str) -> None:
    """Reset everything a previous page may have changed; then ``cwd`` is the working directory."""
    ip = get_ipython()  # noqa: F821 - defined inside an IPython kernel
    ip.reset(new_session=True)
    os.chdir(cwd)
    if _baseline:
        warnings.filters[:] = _baseline["warnings"]
        warnings._filters_mutated()
        sys.path[:] = _baseline["path"]
        os.environ.clear()
        os.environ.update(_baseline["environ"])
    import altair as alt
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for group in ("display", "mode", "styler", "compute"):  # not "plotting": its reset imports matplotlib
            pd.reset_option(f"^{group}\\.")
    alt.renderers.enable("default")
    alt.theme.enable("default")
    alt.data_transformers.enable("default")
    from ..charts import render
    from ..data import load

    load.clear_cache()
    render.take_render_seconds()
