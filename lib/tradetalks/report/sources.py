"""The data-and-sources page: the tables, the data dictionary, every source and the discrepancies."""
from __future__ import annotations

import re

import pandas as pd

from ..analysis import parts
from ..analysis import queries as q
from ..data import Dataset
from .common import HTML, Links, Markdown, Table, cite, escape, md, page_links, short_list, source_anchor, table


def data_dictionary_table(ds: Dataset) -> Table:
    rows = []
    for res in ds.schema.resources:
        for f in res.fields:
            allowed = ", ".join(f.enum) if f.enum else (f"pattern {f.pattern}" if f.pattern else "")
            rows.append({"Table": res.path, "Field": f.name, "Type": f.type, "Required": "yes" if f.required else "",
                         "Allowed values": allowed, "Meaning": f.description})
    return table(pd.DataFrame(rows), "Data dictionary (from data/datapackage.json)")


def tables_table(ds: Dataset, data_url: str = "") -> Table | Markdown:
    rows = []
    for res in ds.schema.resources:
        rows.append({"File": res.path, "Rows": len(ds.table(res.name)), "What it holds": res.description,
                     "Key": " + ".join(res.primary_key)})
    return table(pd.DataFrame(rows), "The data tables")


def download_links(ds: Dataset, data_url: str = "") -> Markdown:
    """Links to the data files as published with the site (``data_url``), or where they are on disk."""
    files = ["datapackage.json"] + [r.path for r in ds.schema.resources]
    if not data_url:
        return md("The files are in the data folder `{path}`.", path=str(ds.data_dir))
    links = " · ".join(f"[{escape(f)}]({data_url.rstrip('/')}/{f})" for f in files)
    return Markdown(f"Download: {links}")


def _source_rows(src: pd.DataFrame) -> pd.DataFrame:
    titles = [t if official else f"[{t}]" for t, official in zip(src["title"], src["title_is_official"])]
    return pd.DataFrame({
        "#": [f"[{n}]" for n in src["number"]],
        "Source": [f"{label}: {t}" for label, t in zip(src["label"], titles)],
        "Official identifier": src["identifier"],
        "Link": [Links([(u, "web page", "")]) if u else "" for u in src["url"]],
        "How it was checked": src["verified_by"].map(_reader_verification),
        "Cited by": src["cited_by"].map(short_list),
    })


def _sources(ds: Dataset, src: pd.DataFrame, caption: str) -> Table:
    """Sources as readers cite them: number, who published it and when, its title (in brackets when the
    title is our description), its official identifier, a link where the data has an address, and how it
    was verified. Each row is the target of the citations ``[n]`` on every page."""
    return table(_source_rows(src), caption, max_bytes=None, classes=("sources-table",),
                 row_ids=[source_anchor(i) for i in src["id"]])


def sources_table(ds: Dataset) -> Table:
    """Every source, whole (the book splits the list over the pages of sources instead)."""
    return _sources(ds, q.sources_with_events(ds), SOURCES_CAPTION)


def sources(ds: Dataset, link_prefix: str = "") -> Table | HTML:
    """The list of sources: links to its pages (``{link_prefix}-<part>.html``) in a book, or the whole
    table where there are no such pages (a notebook opened on its own)."""
    if not link_prefix:
        return sources_table(ds)
    return page_links([(p.id, f"Sources {p.title}") for p in parts.source_parts(ds)], link_prefix,
                      "Every source, by number")


def source_part_table(ds: Dataset, part: str) -> Table:
    """The sources of one page of the list of sources."""
    found = parts.find_part(parts.source_parts(ds), part, "sources")
    src = q.sources_with_events(ds)
    return _sources(ds, src[src["id"].isin(found.rows)], f"{SOURCES_CAPTION}: {found.title}")


SOURCES_CAPTION = "Every source and the events that cite it (titles in brackets are our descriptions)"


def _reader_verification(text: str) -> str:
    """How a source was checked, without the project's file names (the five source articles are kept
    with the project; readers see them as what they are)."""
    return re.sub(r"(Article file )?shared/seeds/\S+", "the article's text, kept with the project's sources", text)


def discrepancies_table(ds: Dataset) -> Table:
    d = ds.discrepancies
    out = pd.DataFrame({"Source": [cite(ds, [i]) for i in d["source_id"]], "About": d["topic"], "The source says": d["source_says"],
                        "Other sources or the record": d["record_says"], "How the data handles it": d["handling"]})
    return table(out, "Discrepancies between sources, and how they are recorded")


def date_notes_table(ds: Dataset, s, e) -> Table:
    ev = q.events_between(ds, s, e)
    ev = ev[ev["date_note"] != ""]
    out = pd.DataFrame({"Event": ev["title"], "Date": [q.date_label(r) for _, r in ev.iterrows()],
                        "How the date was established": ev["date_note"]})
    return table(out, "Dates resolved from relative phrases or undated sources")


def aliases_table(ds: Dataset) -> Table:
    a = ds.actor_aliases.merge(ds.actors[["id", "name"]], left_on="actor_id", right_on="id")
    a = a[a["kind"].astype(str).isin(["misspelling", "title_form", "variant"]) & (a["source_id"] != "")]
    out = pd.DataFrame({"Spelling in the source": a["alias"], "Actor": a["name"], "Kind": a["kind"].astype(str).str.replace("_", " "),
                        "Source": [cite(ds, [i]) for i in a["source_id"]], "Note": a["note"]})
    return table(out, "How the sources name the actors")
