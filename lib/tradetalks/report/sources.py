"""The data-and-sources page: the tables, the data dictionary, every source and the discrepancies."""
from __future__ import annotations

import pandas as pd

from ..analysis import queries as q
from ..data import Dataset
from .common import Markdown, Table, day, escape, md, short_list, table


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


def sources_table(ds: Dataset) -> Table:
    src = q.sources_with_events(ds)
    titles = [t if official else f"[{t}]" for t, official in zip(src["title"], src["title_is_official"])]
    out = pd.DataFrame({
        "Id": src["id"],
        "Source": [f"{t} — {p}" if p else t for t, p in zip(titles, src["publisher"])],
        "Published": [day(p) if pd.isna(pl) else f"{day(p)} – {day(pl)}" for p, pl in zip(src["published"], src["published_latest"])],
        "Reference": [" ".join(x for x in (r, u) if x) for r, u in zip(src["reference"], src["url"])],
        "Kind": src["kind"].astype(str).str.replace("_", " "),
        "Cited by": src["cited_by"].map(short_list),
    })
    # The reference column holds long file names and addresses: its own class lets them wrap anywhere.
    return Table(out.reset_index(drop=True), "Every source and the events that cite it (titles in brackets are our descriptions)",
                        classes=("sources-table",))


def discrepancies_table(ds: Dataset) -> Table:
    d = ds.discrepancies
    out = pd.DataFrame({"Source": d["source_id"], "About": d["topic"], "The source says": d["source_says"],
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
                        "Source": a["source_id"], "Note": a["note"]})
    return table(out, "How the sources name the actors")
