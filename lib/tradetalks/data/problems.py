"""What validation reports: one :class:`Problem` per thing wrong, all of them in a :class:`DataValidationError`,
and the raw tables (:class:`RawTable`) the checks read."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .schema import Resource


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data. ``line`` is the 1-based line in the file (the header is line 1)."""
    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column '{self.column}'"
        if self.value is not None:
            return f"{where}: value {self.value!r}: expected {self.expected}"
        return f"{where}: expected {self.expected}"


class DataValidationError(Exception):
    """Raised with every problem found in a data folder; nothing is loaded when it is raised."""

    def __init__(self, problems: list[Problem], data_dir: Path | None = None):
        self.problems = list(problems)
        self.data_dir = data_dir
        head = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} in data folder {data_dir}"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


@dataclass
class RawTable:
    """A CSV file read as text: rows are dicts of column -> string, with their line numbers."""
    resource: Resource
    rows: list[dict[str, str]]
    lines: list[int]
