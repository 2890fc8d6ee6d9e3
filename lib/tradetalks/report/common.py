"""What every page shares: set-up, escaping of data text, sentence helpers, tables and links between pages.

Text from the data is escaped here, where it enters a page, so HTML, script or Markdown in a title or a
quote appears literally.
"""
from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown

from .. import escaping
from ..analysis import parts
from ..analysis import queries as q
from ..charts import render
from ..charts.render import Links, Table
from ..data import Dataset, load_cached

escape = escaping.myst


def md(template: str, **values) -> Markdown:
    """Markdown prose from a template written by us, with values from the data escaped."""
    return Markdown(template.format(**{k: escape(v) if isinstance(v, str) else v for k, v in values.items()}))


def setup(data_dir: str = "", window_start: str = "", window_end: str = "") -> tuple[Dataset, pd.Timestamp, pd.Timestamp]:
    """Load (and validate) the data and check the window (the charts switch on their own renderer and
    theme when used: see :mod:`tradetalks.charts`)."""
    pd.set_option("display.max_colwidth", None)
    ds = load_cached(data_dir)
    s, e = q.window(ds, window_start, window_end)
    return ds, s, e


day = q.day_label


def pct(x: float) -> str:
    return f"{x:g}%"


#: A table's HTML at most this many bytes: a page stays light for readers on a phone however much data
#: there is (charts and the page around it take the rest of ~150 KB). Every table of the curated record
#: fits whole; a longer one shows its first rows and says so (the data files have every row). The
#: chronology and the sources, which must be whole, are split over pages instead (``parts``).
TABLE_BYTES = 40 * 1024


#: Items listed in one cell at most (e.g. the events citing a source).
MAX_ITEMS = 12


def table(df: pd.DataFrame, caption: str, *, max_bytes: int | None = TABLE_BYTES, **options) -> Table | Markdown:
    """The table (as many of its first rows as fit in ``max_bytes``, saying so), or a line saying there
    is nothing to show. ``options`` go to :class:`Table` (e.g. ``row_ids``)."""
    if df.empty:
        return md("**{caption}**: nothing recorded for this selection.", caption=caption)
    df = df.reset_index(drop=True)
    whole = render.table_html(df, caption=caption, **options)
    if max_bytes is None or len(whole._repr_html_().encode()) <= max_bytes:
        return whole
    fits, too_many = 1, len(df)  # binary search for the most rows whose table fits
    while too_many - fits > 1:
        n = (fits + too_many) // 2
        size = len(render.table_html(df.head(n), caption=caption, **_head(options, n))._repr_html_().encode())
        fits, too_many = (n, too_many) if size <= max_bytes else (fits, n)
    return render.table_html(df.head(fits), caption=f"{caption} (the first {fits} of {len(df)} rows: the page would "
                             "grow too long; every row is in the data files)", **_head(options, fits))


def _head(options: dict, n: int) -> dict:
    """Table options for the first ``n`` rows (per-row options cut to match)."""
    return {k: (v[:n] if k == "row_ids" and v is not None else v) for k, v in options.items()}


def short_list(text: str, sep: str = "; ") -> str:
    """A long 'a; b; c; ...' list cut to MAX_ITEMS items, saying how many more there are."""
    items = text.split(sep) if text else []
    if len(items) <= MAX_ITEMS:
        return text
    return sep.join(items[:MAX_ITEMS]) + f"{sep}and {len(items) - MAX_ITEMS} more"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def page_links(items: list[tuple[str, str]], prefix: str, caption: str) -> HTML | Markdown:
    """A list of links to the pages built per item (``{prefix}-{id}.html``); plain names when no prefix."""
    if not items:
        return Markdown("")
    if not prefix:
        return Markdown(f"{escape(caption)}: " + "; ".join(escape(t) for _, t in items))
    h = escaping.html_text
    links = "".join(f'<li><a href="{h(prefix)}-{h(i)}.html">{h(t)}</a></li>' for i, t in items)
    return HTML(f'<nav class="tradetalks-links" aria-label="{h(caption)}"><p><strong>{h(caption)}</strong></p>'
                f"<ul>{links}</ul></nav>")


# ---------------------------------------------------------------------------- citations
#: The pages that list the sources, a part each (``sources-<part>.html``, see :mod:`analysis.parts`);
#: each source's row there has the anchor ``src-<id>``. The build points a citation at whichever page
#: of the site holds that anchor (a plan may list every source on one page), or leaves it unlinked.
SOURCES_PAGE_PREFIX = "sources"


def source_anchor(source_id: str) -> str:
    return f"src-{source_id}"


def cite(ds: Dataset, source_ids) -> Links:
    """Numbered citations ``[12] [40]`` that link to the sources' entries in the list of sources; each
    link's title names the source (publisher, date, title)."""
    numbers = q.source_numbers(ds)
    by_id = ds.sources.set_index("id")
    ids = sorted(dict.fromkeys(i for i in source_ids if i in numbers), key=numbers.get)
    return Links([(f"{SOURCES_PAGE_PREFIX}-{parts.source_part_id(numbers[i], len(numbers))}.html#{source_anchor(i)}",
                   f"[{numbers[i]}]", f"{q.source_label(by_id.loc[i])}: {by_id.loc[i, 'title']}") for i in ids])


def cite_events(ds: Dataset, event_ids, **options) -> list[Links]:
    """For each event id, the citations of its sources."""
    by_event = ds.event_sources.groupby("event_id")["source_id"].agg(list)
    return [cite(ds, by_event.get(e, []), **options) for e in event_ids]
