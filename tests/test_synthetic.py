"""Synthetic data folders for scale tests (tradetalks.synthetic): valid, deterministic, curated data kept."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tools.synthetic import EXCLUDED_TYPES, ID_PREFIX, generate
from tradetalks import load_dataset
from tradetalks.analysis import queries as q
from tradetalks.paths import DEFAULT_DATA_DIR, REPO_ROOT

CURATED_EVENTS = len(load_dataset().events)


def _frictionless() -> Path:
    exe = Path(sys.executable).with_name("frictionless")
    return exe if exe.exists() else REPO_ROOT / ".venv" / "bin" / "frictionless"


@pytest.fixture(scope="module")
def folder10(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("syn") / "x10", 10, seed=0)


@pytest.fixture(scope="module")
def ds10(folder10):
    return load_dataset(folder10)


def test_factor_10_loads_with_ten_times_the_events(ds10):
    assert CURATED_EVENTS == len(load_dataset().events) > 0
    assert len(ds10.events) == 10 * CURATED_EVENTS
    assert ds10.events["id"].str.startswith(ID_PREFIX).sum() == 9 * CURATED_EVENTS


def test_negotiation_rounds_unchanged(ds10):
    assert len(q.negotiation_rounds(ds10)) == len(q.negotiation_rounds(load_dataset())) > 0
    assert list(q.negotiation_rounds(ds10)["id"]) == list(q.negotiation_rounds(load_dataset())["id"])


def test_synthetic_rows_are_marked_and_linked(ds10):
    syn = ds10.events[ds10.events["id"].str.startswith(ID_PREFIX)]
    assert not syn["type"].isin(EXCLUDED_TYPES).any()
    assert syn["title"].str.match(r"^Synthetic event \d+ \([a-z ]+\)$").all()
    assert syn["summary"].str.contains("Synthetic").all()
    start, end = ds10.window
    assert (syn["start_date"] >= start).all() and (syn["start_date"] <= end).all()
    assert syn["start_date"].dt.month.nunique() >= 10  # spread over the window
    ids = set(syn["id"])
    per_event = lambda table: ds10.table(table)[ds10.table(table)["event_id"].isin(ids)].groupby("event_id").size()
    assert (per_event("event_sources") == 1).all() and len(per_event("event_sources")) == len(ids)
    actors = per_event("event_actors")
    assert len(actors) == len(ids) and actors.between(1, 3).all()
    assert per_event("event_sticking_points").between(1, 2).all()  # 0 is "no row"
    points = ds10.event_sticking_points[ds10.event_sticking_points["event_id"].isin(ids)]
    assert "suspended" not in set(points["status"]) and points["expires"].isna().all()
    assert set(ds10.event_sources.loc[ds10.event_sources["event_id"].isin(ids), "source_id"]) <= set(ds10.sources["id"])


def test_curated_data_kept(folder10):
    for path in DEFAULT_DATA_DIR.iterdir():
        if path.suffix not in (".csv", ".json"):
            continue
        new = (folder10 / path.name).read_bytes()
        if path.name in ("events.csv", "event_sources.csv", "event_actors.csv", "event_sticking_points.csv"):
            assert new.startswith(path.read_bytes()), path.name  # curated rows first, unchanged
        else:
            assert new == path.read_bytes(), path.name


def test_factor_1_is_the_curated_data(tmp_path):
    out = generate(tmp_path / "x1", 1)
    for path in DEFAULT_DATA_DIR.glob("*.csv"):
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name


def test_deterministic(tmp_path, folder10):
    again = generate(tmp_path / "again", 10, seed=0)
    names = sorted(p.name for p in folder10.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (again / name).read_bytes() == (folder10 / name).read_bytes(), name
    other = generate(tmp_path / "other", 10, seed=1)
    assert (other / "events.csv").read_bytes() != (folder10 / "events.csv").read_bytes()


def test_frictionless_accepts_factor_10(folder10):
    result = subprocess.run([str(_frictionless()), "validate", "datapackage.json"], cwd=folder10,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "INVALID" not in result.stdout


@pytest.mark.parametrize("factor", [0, -1, 2.5, True])
def test_bad_factor(tmp_path, factor):
    with pytest.raises(ValueError, match="factor"):
        generate(tmp_path / "bad", factor)


def test_command_line(tmp_path):
    out = tmp_path / "cli"
    result = subprocess.run([sys.executable, "-m", "tools.synthetic", str(out), "--factor", "2", "--check"],
                            capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    expected = 2 * len(load_dataset().events)
    assert f"{expected} events" in result.stdout and "loaded and valid" in result.stdout
    assert len(load_dataset(out).events) == expected
