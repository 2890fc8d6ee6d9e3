"""Executed notebooks made into report pages: code hidden, parameter cells removed, a title on every page."""
from __future__ import annotations

import re
from typing import Any

from .. import escaping

# Tags that already decide how a cell's input is shown; such cells are left alone.
_INPUT_TAGS = {"remove-cell", "remove-input", "hide-cell", "hide-input"}


def _add_tag(cell: Any, tag: str) -> None:
    tags = list(cell.metadata.get("tags", []))
    if tag not in tags:
        tags.append(tag)
    cell.metadata["tags"] = tags


def postprocess_notebook(nb: Any, *, title: str | None = None) -> Any:
    """Tag cells so the page reads as a report (in place; returns ``nb``).

    * the ``parameters`` cell and papermill's ``injected-parameters`` cell: ``remove-cell``;
    * every other code cell: ``remove-input``, unless it already has one of
      ``remove-cell``/``remove-input``/``hide-cell``/``hide-input``;
    * if no markdown cell has a level-1 heading, ``# <title>`` is inserted first,
      so every page has a title.
    """
    import nbformat

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = set(cell.metadata.get("tags", []))
        if tags & {"parameters", "injected-parameters"}:
            _add_tag(cell, "remove-cell")
        elif not tags & _INPUT_TAGS:
            _add_tag(cell, "remove-input")

    if title:
        has_h1 = any(
            cell.cell_type == "markdown" and re.search(r"^#\s+\S", cell.source, flags=re.M)
            for cell in nb.cells
        )
        if not has_h1:
            # The title may come from the data (a sticking point's name): escaped, never read as MyST.
            heading = nbformat.v4.new_markdown_cell(f"# {escaping.myst(title)}")
            heading.pop("id", None)
            if nb.nbformat == 4 and nb.nbformat_minor >= 5:
                heading["id"] = "tradetalks-title"
            nb.cells.insert(0, heading)
    return nb
