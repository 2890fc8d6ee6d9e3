"""Exact values from the curated data and the queries built on it."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tradetalks import load_dataset
from tradetalks.analysis import queries as q
from tradetalks.paths import DEFAULT_DATA_DIR


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_frictionless_accepts_the_package():
    exe = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(exe), "validate", "datapackage.json"], cwd=DEFAULT_DATA_DIR, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "INVALID" not in result.stdout


def test_frictionless_rejects_a_broken_foreign_key(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    path = target / "event_actors.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",marco-rubio,", ",nobody,"), encoding="utf-8")
    exe = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(exe), "validate", "datapackage.json"], cwd=target, capture_output=True, text=True)
    assert result.returncode != 0 and "foreign-key" in result.stdout


def test_types(ds):
    assert str(ds.events["start_date"].dtype) == "datetime64[ns]"
    assert isinstance(ds.events["type"].dtype, pd.CategoricalDtype)
    assert ds.tariff_steps["counts_in_headline"].dtype == bool
    assert ds.window == (pd.Timestamp(ds.schema.window_start), pd.Timestamp(ds.schema.window_end))
    first, last = q.recorded_span(ds)
    assert first == ds.events["start_date"].min() and ds.window[0] <= first <= last <= ds.window[1]


@pytest.mark.parametrize("day, us, cn", [
    ("2025-01-20", 0, 0),
    ("2025-02-04", 10, 0),
    ("2025-03-04", 20, 0),
    ("2025-04-05", 30, 0),
    ("2025-04-09", 104, 0),
    ("2025-04-10", 145, 84),
    ("2025-04-12", 145, 125),
    ("2025-05-13", 145, 125),
    ("2025-05-14", 30, 10),
    ("2025-11-09", 30, 10),
    ("2025-11-10", 20, 10),
])
def test_headline_tariff_in_force(ds, day, us, cn):
    assert q.tariff_in_force(ds, "united_states", day) == us
    assert q.tariff_in_force(ds, "china", day) == cn


def test_tariff_detail_breaks_down_measures(ds):
    d = q.tariff_detail(ds, "united_states", "2025-04-10")
    assert d.measures == {"fentanyl_ieepa": 20.0, "reciprocal_ieepa": 125.0}


def test_tariff_summary(ds):
    t = q.tariff_summary(ds).set_index("imposing_side")
    assert (t.loc["united_states", "start"], t.loc["united_states", "peak"], t.loc["united_states", "end"]) == (0, 145, 20)
    assert t.loc["united_states", "peak_date"] == pd.Timestamp("2025-04-10")
    assert (t.loc["china", "peak"], t.loc["china", "end"]) == (125, 10)


def test_tariff_series_is_a_step_series(ds):
    s = q.tariff_series(ds, "2025-04-01", "2025-05-31")
    us = s[s["imposing_side"] == "united_states"]
    assert list(us["date"].dt.strftime("%m-%d")) == ["04-01", "04-05", "04-09", "04-10", "05-14", "05-31"]
    assert list(us["rate_pct"]) == [20, 30, 104, 145, 30, 30]


def test_negotiation_rounds(ds):
    r = q.negotiation_rounds(ds)
    assert list(r["label"]) == ["Geneva talks", "Call 5 Jun", "London talks", "Stockholm talks", "Madrid talks",
                                "Call 19 Sep", "Kuala Lumpur talks", "Busan summit"]
    talks = r[r["type"] == "talks_round"]
    assert list(talks["number"]) == [1, 2, 3, 4, 5]
    london = r[r["label"] == "London talks"].iloc[0]
    assert (london["start_date"], london["end_date"]) == (pd.Timestamp("2025-06-09"), pd.Timestamp("2025-06-10"))


def test_rounds_in_a_window_keep_their_numbers(ds):
    r = q.negotiation_rounds(ds, "2025-07-01", "2025-09-30", types=["talks_round"])
    assert list(zip(r["label"], r["number"])) == [("Stockholm talks", 3), ("Madrid talks", 4)]


def test_relative_dates_resolved(ds):
    ev = ds.events.set_index("id")
    assert ev.loc["2025-06-05-trump-xi-call", "start_date"] == pd.Timestamp("2025-06-05")
    assert "Thursday" in ev.loc["2025-06-05-trump-xi-call", "date_note"]
    assert ev.loc["2025-10-30-busan-summit", "start_date"].day_name() == "Thursday"
    assert ev.loc["2025-06-11-bessent-testifies", "start_date"] == pd.Timestamp("2025-06-11")
    assert "tomorrow" in ev.loc["2025-06-11-bessent-testifies", "date_note"]


def test_events_between_window_and_joins(ds):
    ev = q.events_between(ds, "2025-06-01", "2025-06-30")
    assert list(ev["id"]) == ["2025-05-eda-software-halt", "2025-06-02-china-rebuts", "2025-06-04-trump-xi-tough",
                              "2025-06-05-trump-xi-call", "2025-06-09-london-talks", "2025-06-11-bessent-testifies"]
    london = ev.set_index("id").loc["2025-06-09-london-talks"]
    assert london["sources"] == "seed-004; seed-002; london-remarks-2025-06-10"
    assert "Wang Wentao" in london["actors"] and "He Lifeng" in london["actors"]


def test_events_filtered_by_sticking_point_and_actor(ds):
    ev = q.events_between(ds, sticking_points=["tiktok"])
    assert list(ev["id"]) == ["2025-09-14-madrid-talks", "2025-09-19-trump-xi-call", "2025-10-30-busan-summit",
                              "2025-11-10-busan-deal-in-force"]
    ev = q.events_between(ds, actors=["wang-wentao"])
    assert list(ev["id"]) == ["2025-06-09-london-talks"]


def test_bad_query_requests(ds):
    with pytest.raises(q.QueryError, match="before its start"):
        q.events_between(ds, "2025-06-01", "2025-05-01")
    with pytest.raises(q.QueryError, match="outside the data"):
        q.events_between(ds, "2017-12-31", "2025-05-01")
    with pytest.raises(q.QueryError, match="unknown sticking points id 'currency'"):
        q.events_between(ds, sticking_points=["currency"])
    with pytest.raises(q.QueryError, match="YYYY-MM-DD"):
        q.window(ds, "June 2025", None)


def test_who_took_part(ds):
    d = q.delegations(ds, "2025-06-09-london-talks")
    assert list(d["united_states"]["name"]) == ["Scott Bessent", "Howard Lutnick", "Jamieson Greer", "Kevin Hassett"]
    assert list(d["china"]["name"]) == ["He Lifeng", "Wang Wentao", "Li Chenggang"]
    pairs = q.counterparts(ds)
    top = pairs.iloc[0]
    assert (top["name_us"], top["name_cn"], top["meetings"]) == ("Scott Bessent", "He Lifeng", 6)


def test_status_history(ds):
    h = q.status_history(ds, "rare-earths")
    assert list(zip(h["date"].dt.strftime("%Y-%m-%d"), h["status"])) == [
        ("2025-02-04", "raised"), ("2025-04-04", "escalated"), ("2025-06-05", "negotiated"), ("2025-06-10", "agreed"),
        ("2025-10-09", "escalated"), ("2025-10-26", "negotiated"), ("2025-10-30", "agreed"), ("2025-11-01", "suspended")]
    assert h.iloc[-1]["expires"] == pd.Timestamp("2026-11-10")


def test_sticking_point_outcomes(ds):
    o = q.sticking_point_outcomes(ds).set_index("sticking_point_id")
    assert o.loc["rare-earths", "outcome"] == "suspended"
    assert o.loc["soybeans", "outcome"] == "agreed"
    assert o.loc["tiktok", "outcome"] == "open"
    assert sorted(o.index[o["outcome"] == "suspended"]) == ["entity-list", "port-fees", "rare-earths", "tariff-levels"]
    # Before Geneva, the tariff dispute is open, not suspended
    early = q.sticking_point_outcomes(ds, None, "2025-05-11").set_index("sticking_point_id")
    assert early.loc["tariff-levels", "outcome"] == "open"


def test_headline_figures(ds):
    h = q.headline_figures(ds)
    assert (h["talks_rounds"], h["leaders_calls"], h["summits"]) == (5, 2, 1)
    assert (h["agreed"], h["suspended"], h["open"]) == (2, 4, 5)
    assert h["events"] == 47


def test_aliases_record_misspellings(ds):
    assert q.find_actor(ds, "Scott Bessant") == "scott-bessent"
    assert q.find_actor(ds, "何立峰") == "he-lifeng"
    al = ds.actor_aliases.set_index("alias")
    assert al.loc["Bessant", "kind"] == "misspelling" and al.loc["Bessant", "source_id"] == "seed-000"
    with pytest.raises(q.QueryError, match="no actor is called"):
        q.find_actor(ds, "Nobody")


def test_every_seed_is_cited(ds):
    cited = set(ds.event_sources["source_id"])
    for n in range(5):
        assert f"seed-00{n}" in cited


def test_sources_with_events(ds):
    s = q.sources_with_events(ds).set_index("id")
    assert s.loc["seed-004", "events"] == 2
    assert s.loc["seed-003", "events"] >= 8
