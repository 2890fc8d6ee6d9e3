"""Shared library of the 2025 US-China trade negotiations report book.

- ``tradetalks.load.load_dataset(data_dir=None)`` validates and loads the curated data;
- ``tradetalks.validate.DataValidationError`` carries every problem found;
- ``tradetalks.queries`` answers the sections' questions;
- ``tradetalks.charts`` / ``tradetalks.render`` draw them; ``tradetalks.build`` builds the book.
"""
from .load import Dataset, load_cached, load_dataset
from .validate import DataValidationError, Problem

__all__ = ["Dataset", "DataValidationError", "Problem", "load_cached", "load_dataset"]
