"""What every page shares: set-up, escaping of data text, sentence helpers, tables and links between pages.

Text from the data is escaped here, where it enters a page, so HTML, script or Markdown in a title or a
quote appears literally.
"""
from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown

from .. import escaping
from ..analysis import queries as q
from ..charts import enable_theme, render
from ..charts.render import Links, Table
from ..data import Dataset, load_cached

escape = escaping.myst


def md(template: str, **values) -> Markdown:
    """Markdown prose from a template written by us, with values from the data escaped."""
    return Markdown(template.format(**{k: escape(v) if isinstance(v, str) else v for k, v in values.items()}))


def setup(data_dir: str = "", window_start: str = "", window_end: str = "") -> tuple[Dataset, pd.Timestamp, pd.Timestamp]:
    """Enable the offline chart renderer and theme, load (and validate) the data, check the window."""
    render.enable()
    enable_theme()
    pd.set_option("display.max_colwidth", None)
    ds = load_cached(data_dir)
    s, e = q.window(ds, window_start, window_end)
    return ds, s, e


day = q.day_label


def pct(x: float) -> str:
    return f"{x:g}%"


#: Rows a table shows at most. The record's longest table (every event since 2018) fits whole;
#: beyond this a page would outgrow a reader, and the full table is in the published data files.
MAX_ROWS = 400


#: Items listed in one cell at most (e.g. the events citing a source).
MAX_ITEMS = 12


def table(df: pd.DataFrame, caption: str) -> Table | Markdown:
    """The table (its first MAX_ROWS rows, saying so), or a line saying there is nothing to show."""
    if df.empty:
        return md("**{caption}**: nothing recorded for this selection.", caption=caption)
    if len(df) > MAX_ROWS:
        caption = f"{caption} (first {MAX_ROWS} of {len(df)} rows; all of them are in the data files)"
        df = df.head(MAX_ROWS)
    return render.table_html(df.reset_index(drop=True), caption=caption)


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
#: The page that lists every source; each source's row there has the anchor ``src-<id>``.
SOURCES_PAGE = "data-and-sources.html"


def source_anchor(source_id: str) -> str:
    return f"src-{source_id}"


def cite(ds: Dataset, source_ids, *, sources_page: str = SOURCES_PAGE) -> Links:
    """Numbered citations ``[12] [40]`` that link to the sources' entries on the sources page; each
    link's title names the source (publisher, date, title)."""
    numbers = q.source_numbers(ds)
    by_id = ds.sources.set_index("id")
    ids = sorted(dict.fromkeys(i for i in source_ids if i in numbers), key=numbers.get)
    return Links([(f"{sources_page}#{source_anchor(i)}", f"[{numbers[i]}]",
                   f"{q.source_label(by_id.loc[i])}: {by_id.loc[i, 'title']}") for i in ids])


def cite_events(ds: Dataset, event_ids, **options) -> list[Links]:
    """For each event id, the citations of its sources."""
    by_event = ds.event_sources.groupby("event_id")["source_id"].agg(list)
    return [cite(ds, by_event.get(e, []), **options) for e in event_ids]
