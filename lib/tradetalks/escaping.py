"""Escaping of data text for each medium it can enter: MyST/Markdown, HTML (text and attributes).

Text from ``data/`` is data everywhere: every place that puts it into a page calls one of these, so a
name such as ``{{ env... }}``, ``<img onerror=...>`` or ``[x](javascript:...)`` shows as written and is
never evaluated as MyST, Jinja, a role or directive, HTML or script. (Vega-Lite specs carry data text
as JSON string values, which Vega draws as text; ``charts.render`` writes them script-safe.)
"""
from __future__ import annotations

import html as _html
import re
import unicodedata

# Every ASCII punctuation character may be backslash-escaped in CommonMark (and MyST): escaping all of
# them leaves no emphasis, code, link, role, directive, substitution, raw HTML, entity, math or table pipe.
_MYST_SPECIAL = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
# Characters that would change how a line is laid out or read: controls (except tab), bidirectional
# overrides and isolates are shown as nothing; line and paragraph separators as a space.
_INVISIBLE = {c for c in map(chr, range(0x20)) if c not in "\t\n\r"} | {"\x7f"}
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def plain(value) -> str:
    """Data text as one line of plain text: whitespace runs (newlines too) become one space; control
    characters and bidirectional overrides are dropped (right-to-left scripts themselves stay)."""
    text = "".join(" " if c in "\u2028\u2029" else c for c in str(value)
                   if c not in _INVISIBLE and c not in _BIDI_CONTROLS and unicodedata.category(c) != "Cs")
    return " ".join(text.split())


def myst(value) -> str:
    """Data text made inert for MyST/Markdown (inline): every punctuation character backslash-escaped."""
    return _MYST_SPECIAL.sub(r"\\\1", plain(value))


def html_text(value) -> str:
    """Data text for an HTML text node or a quoted attribute value."""
    return _html.escape(plain(value), quote=True)
