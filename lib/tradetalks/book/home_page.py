"""The site's root ``index.html``: Jupyter Book writes a bare redirect (one ``<meta>`` tag); it becomes a
small page of its own with an empty icon (without one a browser asks the server for ``/favicon.ico``,
which does not exist, and logs the failure; a real icon's request would be cut short by the redirect),
a title, and a link for a reader whose browser does not follow the redirect."""
from __future__ import annotations

import re
from pathlib import Path

from .. import escaping

_REFRESH = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"\s*/?>', re.I)
#: An icon that costs no request: the page is left at once for the book's first page, which has its own.
ICON = "data:,"


def complete_home_page(site: Path, title: str) -> bool:
    """Make ``site/index.html`` a complete page if it is Jupyter Book's bare redirect; True if it was."""
    index = site / "index.html"
    m = _REFRESH.fullmatch(index.read_text(encoding="utf-8").strip())
    if m is None:
        return False
    h = escaping.html_text
    target, name = m.group(1), h(title)
    index.write_text(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
        f'<meta charset="utf-8">\n<meta http-equiv="Refresh" content="0; url={h(target)}">\n'
        f'<link rel="icon" href="{ICON}">\n<title>{name}</title>\n</head>\n'
        f'<body><p><a href="{h(target)}">{name}</a></p></body>\n</html>\n', encoding="utf-8")
    return True
