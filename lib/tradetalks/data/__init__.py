"""The curated data: its published schema (``schema``), validation (``validate``) and typed loading (``load``)."""
from .files import DataFileError, declared_files
from .load import Dataset, as_date, load_cached, load_dataset
from .problems import DataValidationError, Problem

__all__ = ["DataFileError", "declared_files", "Dataset", "DataValidationError", "Problem", "as_date", "load_cached", "load_dataset"]
