"""The one exception of the ingest tool: a bad input, reported as one line with an exit status."""
from __future__ import annotations


class IngestError(Exception):
    """A fault the user can fix (missing file, bad date, malformed review...). ``status`` is the exit code:
    2 for bad input or usage, 1 for data that would not validate."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status
