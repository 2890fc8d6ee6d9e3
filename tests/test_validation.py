"""Validation as a whole: every problem at once, hostile text kept as data, the validate command's summary.
Each single kind of bad input is a row of docs/faults.md, tested in tests/test_faults.py."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from helpers.data import Data
from tradetalks import DataValidationError, load_dataset
from tradetalks.cli import main as cli_main
from tradetalks.paths import DEFAULT_DATA_DIR


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return Data(target)


def test_repository_data_is_valid():
    ds = load_dataset()
    assert len(ds.events) == len(Data(DEFAULT_DATA_DIR).rows("events")) > 0


def test_all_problems_are_reported_at_once(data_copy):
    data_copy.set("events", "type", "tea_party")
    data_copy.set("actors", "side", "mars")
    data_copy.set("tariff_steps", "rate_pct", "lots")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy.dir)
    files = {p.file for p in info.value.problems}
    assert {"events.csv", "actors.csv", "tariff_steps.csv"} <= files, str(info.value)
    assert str(info.value).startswith(f"{len(info.value.problems)} problems in data folder")


def test_html_and_script_load_as_plain_text(data_copy):
    hostile = '<script>alert("x")</script> <b>bold</b> [link](javascript:alert(1)) {{ glue }}'
    row = data_copy.set("events", "title", hostile)
    ds = load_dataset(data_copy.dir)
    assert ds.events.loc[ds.events["id"] == row["id"], "title"].iloc[0] == hostile


def test_cli_validate_summarises_the_data(capsys):
    ds = load_dataset()
    assert cli_main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "is valid" in out
    assert f"  {'events':<22} {len(ds.events):>4}" in out
    start, end = ds.window
    assert f"Window declared: {start.date()} to {end.date()}" in out


def test_cli_validate_lists_problems_and_fails(data_copy, capsys):
    data_copy.set("events", "type", "tea_party")
    assert cli_main(["validate", str(data_copy.dir)]) == 1
    err = capsys.readouterr().err
    assert "value 'tea_party': expected one of" in err and "events.csv, line 2" in err


def test_cli_runs_as_installed_command(tmp_path):
    # from an unrelated working directory: the package is installed, not found by path
    result = subprocess.run([sys.executable, "-m", "tradetalks", "validate"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stdout
