"""What every page's footer says about where it comes from: the data's version (its declared version,
the day the record was last checked, a short hash of its files) and the day the site was built, with
the link to the book as a PDF."""
from __future__ import annotations

import datetime as _dt
import hashlib
from pathlib import Path

from ..data import declared_files, load_dataset
from ..escaping import html_text
from ..pdf.site import pdf_name

#: Stands for the way up to the site's root in the footer; each page's own path replaces it (book.harden).
SITE_ROOT = "__TRADETALKS_SITE_ROOT__/"


def data_hash(data_dir: Path) -> str:
    """The first 8 hex digits of a SHA-256 over the data package's files: changes with any edit."""
    h = hashlib.sha256()
    for path in declared_files(data_dir):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:8]


def footer_html(data_dir: Path, book_title: str, built: _dt.date | None = None) -> str:
    ds = load_dataset(data_dir)
    built = built or _dt.datetime.now(_dt.timezone.utc).date()
    as_of = ds.schema.as_of
    checked = f", record checked up to {as_of.day} {as_of:%B %Y}" if as_of else ""
    version = f"version {ds.schema.version}" if ds.schema.version else "data"
    return (f'<p class="tradetalks-provenance">Data {html_text(version)}{html_text(checked)} '
            f'(files <code>{data_hash(data_dir)}</code>) · site built {built.day} {built:%B %Y} · '
            f'<a href="{SITE_ROOT}_static/{html_text(pdf_name(book_title))}">the book as a PDF</a> · '
            f"data and text under CC BY 4.0, code under the MIT licence</p>")
