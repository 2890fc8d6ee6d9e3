"""The one copy of Vega, Vega-Lite and vega-embed the site loads (from vl-convert, so it matches the
Vega-Lite version Altair writes), written into the book's ``_static`` at build time."""
from __future__ import annotations

import functools
import os
import re
from pathlib import Path

BUNDLE_FILENAME = "vega-bundle.js"


# --------------------------------------------------------------------------- #
# Vega-Lite version pinning
# --------------------------------------------------------------------------- #
def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text))


@functools.cache
def vl_version() -> str:
    """The vl-convert ``vl_version`` string matching the Vega-Lite schema Altair emits.

    Altair's ``SCHEMA_VERSION`` is e.g. ``"v6.4.1"``; vl-convert wants ``"v6_4"``
    and ships a fixed set of versions (``vl_convert.get_vegalite_versions()``).
    If Altair's exact major.minor is not shipped, the newest shipped version with
    the same major version that is not newer than Altair's is used.
    """
    import altair as alt
    import vl_convert as vlc

    wanted = _version_tuple(alt.SCHEMA_VERSION)[:2]
    available = sorted(_version_tuple(v)[:2] for v in vlc.get_vegalite_versions())
    if wanted in available:
        chosen = wanted
    else:
        same_major = [v for v in available if v[0] == wanted[0] and v <= wanted]
        if not same_major:
            raise RuntimeError(
                f"vl-convert {getattr(vlc, '__version__', '?')} ships Vega-Lite "
                f"{vlc.get_vegalite_versions()}, none compatible with Altair's "
                f"schema {alt.SCHEMA_VERSION}"
            )
        chosen = same_major[-1]
    return f"v{chosen[0]}_{chosen[1]}"


# --------------------------------------------------------------------------- #
# The JavaScript bundle
# --------------------------------------------------------------------------- #
@functools.lru_cache(maxsize=1)
def vega_bundle_js() -> str:
    """vl-convert's Vega + Vega-Lite + vega-embed bundle wrapped in an IIFE (made once per process: it
    depends only on the installed vl-convert and Altair, and takes vl-convert over a second).

    The raw bundle declares top-level ``const``s (``_`` among them) that clash with
    Sphinx's ``doctools.js`` in the shared global scope; inside a function they are
    local.  The bundle sets ``window.vegaEmbed`` itself, but (vl-convert 1.9) sets
    ``window.vega``/``window.vegaLite`` to ``null`` (it assigns the packages' missing
    default exports); the footer points them at the bundled module namespaces,
    checked at run time (``vega.View``, ``vegaLite.compile``).
    """
    import altair as alt
    import vl_convert as vlc

    version = vl_version()
    raw = vlc.javascript_bundle(vl_version=version)
    if re.search(r"^\s*(import|export)\s", raw, flags=re.M):
        raise RuntimeError("vl-convert bundle contains ES module syntax; cannot wrap it in a function")

    expose = []
    for default_name, glob, check in (("__default", "vega", "View"), ("__default1", "vegaLite", "compile")):
        m = re.search(
            r"\bconst " + re.escape(default_name) + r"=null;const ([A-Za-z_$][\w$]*)=function\(\)\{return\{",
            raw,
        )
        if m:
            ns = m.group(1)
            expose.append(
                f"if (!window.{glob} && typeof {ns} === 'object' && {ns} && "
                f"typeof {ns}.{check} === 'function') {{ window.{glob} = {ns}; }}"
            )
    header = (
        "/* Vega, Vega-Lite and vega-embed bundled by vl-convert "
        f"(Vega {vlc.get_vega_version()}, Vega-Lite {version.replace('_', '.')}, "
        f"vega-embed {vlc.get_vega_embed_version()}; Altair schema {alt.SCHEMA_VERSION}).\n"
        "   Wrapped in a function so its top-level declarations stay out of the global scope. */\n"
    )
    footer = (
        "\n" + "\n".join(expose) + "\n"
        "if (typeof window.vegaEmbed !== 'function') {\n"
        "  throw new Error('vega-bundle.js did not define window.vegaEmbed');\n"
        "}\n"
        "if (!window.vega || !window.vegaLite) {\n"
        "  console.warn('vega-bundle.js: window.vega / window.vegaLite not available');\n"
        "}\n"
    )
    return header + "(function () {\n\"use strict\";\n" + raw + footer + "})();\n"


def write_vega_bundle(static_dir: str | os.PathLike[str]) -> Path:
    """Write :func:`vega_bundle_js` to ``<static_dir>/vega-bundle.js`` and return its path."""
    static = Path(static_dir)
    static.mkdir(parents=True, exist_ok=True)
    target = static / BUNDLE_FILENAME
    text = vega_bundle_js()
    if not (target.is_file() and target.read_text(encoding="utf-8") == text):
        target.write_text(text, encoding="utf-8")
    return target


