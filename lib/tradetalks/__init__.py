"""Shared library of the US–China trade negotiations report book.

Subpackages by job (see ARCHITECTURE.md at the repository root):

- ``tradetalks.data``: the published schema, validation and typed loading of ``data/``;
- ``tradetalks.analysis``: the questions the pages ask of the data;
- ``tradetalks.report``: the tables and sentences of each page;
- ``tradetalks.charts``: the Altair charts and their offline rendering;
- ``tradetalks.book``: the build (plan, staging, execution, post-processing, Jupyter Book, publishing, cache);
- ``tradetalks.pdf``: the PDF export;
- ``tradetalks.cli``: the ``tradetalks`` command.
"""
from .data import Dataset, DataValidationError, Problem, load_cached, load_dataset

__all__ = ["Dataset", "DataValidationError", "Problem", "load_cached", "load_dataset"]
