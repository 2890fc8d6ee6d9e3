"""Chart images as files of the site, not inside its pages.

A notebook keeps each chart's static image inside the chart's HTML (a notebook is one file). On the
site the chart is drawn live, so the image serves only readers without JavaScript: each image is
written once to ``_static/chart-images/<hash>.png`` and the page refers to it, loaded lazily, which
keeps every page light however many charts it shows.
"""
from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from ..charts.render import CHART_CLASS

#: Where the site keeps the chart images (relative to the site's root).
IMAGES_DIR = "_static/chart-images"
_INLINE_IMAGE = re.compile(r'<img class="' + CHART_CLASS + r'-static"(?P<attrs>[^>]*?) src="data:image/png;base64,(?P<data>[A-Za-z0-9+/=]+)"')


def externalise_chart_images(site: Path, folder: str = "generated") -> int:
    """Move every chart's inline image on the pages of ``site/folder`` into a file; return how many."""
    moved = 0
    for page in sorted((site / folder).glob("*.html")):
        text = page.read_text(encoding="utf-8")
        up = "../" * (len(page.relative_to(site).parts) - 1)

        def to_file(m: re.Match, up: str = up) -> str:
            png = base64.b64decode(m.group("data"))
            name = hashlib.sha256(png).hexdigest()[:20] + ".png"
            target = site / IMAGES_DIR / name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(png)
            return f'<img class="{CHART_CLASS}-static"{m.group("attrs")} loading="lazy" src="{up}{IMAGES_DIR}/{name}"'

        new, count = _INLINE_IMAGE.subn(to_file, text)
        if count:
            page.write_text(new, encoding="utf-8")
            moved += count
    return moved
