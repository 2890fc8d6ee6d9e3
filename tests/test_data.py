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
from tradetalks.analysis import states
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
    ("2026-02-23", 20, 10),   # the ruling of 20 February: collection stopped on the 24th
    ("2026-02-24", 10, 10),   # IEEPA layers end, the Section 122 surcharge starts
    ("2026-07-23", 10, 10),
    ("2026-07-24", 12.5, 10),  # the surcharge ends, the Section 301 forced-labour duty starts
    ("2026-12-02", 12.5, 10),  # the as-of date
])
def test_headline_tariff_in_force(ds, day, us, cn):
    assert q.tariff_in_force(ds, "united_states", day) == us
    assert q.tariff_in_force(ds, "china", day) == cn


def test_tariff_detail_breaks_down_measures(ds):
    assert q.tariff_detail(ds, "united_states", "2025-04-10").measures == {"fentanyl_ieepa": 20.0, "reciprocal_ieepa": 125.0}
    assert q.tariff_detail(ds, "united_states", "2025-11-10").measures == {"fentanyl_ieepa": 10.0, "reciprocal_ieepa": 10.0}
    later = q.tariff_detail(ds, "united_states", "2026-07-24").measures
    assert later == {"fentanyl_ieepa": 0.0, "reciprocal_ieepa": 0.0, "section_122_surcharge": 0.0, "section_301_forced_labor": 12.5}
    assert q.tariff_detail(ds, "china", "2025-05-14").measures == {"counter_tariff": 10.0}


def test_tariff_standing_on_the_as_of_date(ds):
    on = states.as_of(ds)
    assert on == pd.Timestamp(ds.schema.as_of) == pd.Timestamp("2026-12-02")
    us, cn = q.tariff_standing(ds, "united_states", on), q.tariff_standing(ds, "china", on)
    assert (us.headline, us.since, us.layers) == (12.5, pd.Timestamp("2026-07-24"), {"section_301_forced_labor": 12.5})
    assert (cn.headline, cn.since, cn.layers) == (10, pd.Timestamp("2025-05-14"), {"counter_tariff": 10.0})
    assert us.selected > 0 and us.selected_max == 100 and "section_232" in us.selected_bases


def test_tariff_summary(ds):
    t = q.tariff_summary(ds).set_index("imposing_side")
    assert (t.loc["united_states", "start"], t.loc["united_states", "peak"], t.loc["united_states", "end"]) == (0, 145, 12.5)
    assert t.loc["united_states", "peak_date"] == pd.Timestamp("2025-04-10")
    assert (t.loc["china", "peak"], t.loc["china", "peak_date"], t.loc["china", "end"]) == (125, pd.Timestamp("2025-04-12"), 10)


def test_tariff_series_is_a_step_series(ds):
    s = q.tariff_series(ds, "2025-04-01", "2025-05-31")
    us = s[s["imposing_side"] == "united_states"]
    assert list(us["date"].dt.strftime("%m-%d")) == ["04-01", "04-05", "04-09", "04-10", "05-14", "05-31"]
    assert list(us["rate_pct"]) == [20, 30, 104, 145, 30, 30]
    s = q.tariff_series(ds, "2026-01-01", "2026-12-02")
    us = s[s["imposing_side"] == "united_states"]
    assert list(zip(us["date"].dt.strftime("%m-%d"), us["rate_pct"])) == [
        ("01-01", 20), ("02-24", 10), ("07-24", 12.5), ("12-02", 12.5)]


def test_negotiation_rounds(ds):
    r = q.negotiation_rounds(ds)
    assert list(r["label"]) == [
        "Geneva talks, 10–11 May 2025", "Trump–Xi call, 5 June 2025", "London talks, 9–10 June 2025",
        "Stockholm talks, 28–29 July 2025", "Madrid talks, 14–15 September 2025", "Trump–Xi call, 19 September 2025",
        "Negotiators' call, 17–18 October 2025", "Kuala Lumpur talks, 25–26 October 2025", "Busan summit, 30 October 2025",
        "Trump–Xi call, 24 November 2025", "Negotiators' call, 5 December 2025", "Trump–Xi call, 4 February 2026",
        "Paris talks, 15–16 March 2026", "Beijing summit, 13–15 May 2026"]
    talks = r[r["type"] == "talks_round"]
    assert list(talks["number"]) == [1, 2, 3, 4, 5, 6]
    london = r[r["name"] == "London talks"].iloc[0]
    assert (london["start_date"], london["end_date"]) == (pd.Timestamp("2025-06-09"), pd.Timestamp("2025-06-10"))


def test_a_planned_summit_is_not_a_round(ds):
    planned = ds.events[(ds.events["status"] == "scheduled") & ds.events["type"].isin(q.NEGOTIATION_TYPES)]
    assert list(planned["id"]) == ["2026-05-16-xi-return-state-visit"]
    assert not set(planned["id"]) & set(q.negotiation_rounds(ds)["id"])
    assert "2026-05-16-xi-return-state-visit" not in dict(q.fan_out_items(ds, "rounds"))


def test_round_titles_for_pages_come_from_the_data(ds):
    items = dict(q.fan_out_items(ds, "rounds"))
    assert items["2025-05-10-geneva-talks"] == "Geneva talks, 10–11 May 2025"
    assert items["2025-06-05-trump-xi-call"] == "Trump–Xi call, 5 June 2025"
    assert items["2025-10-17-negotiators-video-call"] == "Negotiators' call, 17–18 October 2025"
    # the leaders' short names are the short-form aliases of the event's leaders, US side first
    assert q.short_name(ds, "donald-trump") == "Trump" and q.short_name(ds, "xi-jinping") == "Xi"


def test_rounds_in_a_window_keep_their_numbers(ds):
    r = q.negotiation_rounds(ds, "2025-07-01", "2025-09-30", types=["talks_round"])
    assert list(zip(r["name"], r["number"])) == [("Stockholm talks", 3), ("Madrid talks", 4)]


def test_round_outcomes_and_the_days_compared(ds):
    out = q.round_outcomes(ds, "2025-05-10-geneva-talks")
    assert list(out["event_id"]) == ["2025-05-12-geneva-joint-statement", "2025-05-12-us-geneva-order",
                                     "2025-05-12-china-geneva-tariff-cut"]
    assert q.round_before_after(ds, "2025-05-10-geneva-talks") == (pd.Timestamp("2025-05-09"), pd.Timestamp("2025-05-14"))
    assert q.round_before_after(ds, "2025-10-30-busan-summit") == (pd.Timestamp("2025-10-29"), pd.Timestamp("2025-11-10"))
    # a round with no outcome linked is compared with its own last day
    assert q.round_outcomes(ds, "2025-12-05-negotiators-video-call").empty
    assert q.round_before_after(ds, "2025-12-05-negotiators-video-call")[1] == pd.Timestamp("2025-12-05")


def test_relative_dates_resolved(ds):
    ev = ds.events.set_index("id")
    assert ev.loc["2025-06-05-trump-xi-call", "start_date"] == pd.Timestamp("2025-06-05")
    assert "Thursday" in ev.loc["2025-06-05-trump-xi-call", "date_note"]
    assert ev.loc["2025-10-30-busan-summit", "start_date"].day_name() == "Thursday"
    assert ev.loc["2025-06-11-bessent-testifies", "start_date"] == pd.Timestamp("2025-06-11")
    assert "tomorrow" in ev.loc["2025-06-11-bessent-testifies", "date_note"]


def test_events_between_window_and_joins(ds):
    ev = q.events_between(ds, "2025-06-01", "2025-06-30")
    assert list(ev["id"]) == ["2025-06-02-china-rebuts", "2025-06-03-us-232-steel-aluminium-50", "2025-06-04-trump-xi-tough",
                              "2025-06-05-trump-xi-call", "2025-06-09-london-talks", "2025-06-11-bessent-testifies",
                              "2025-06-11-trump-deal-done-post", "2025-06-12-bessent-senate-finance",
                              "2025-06-19-tiktok-delay-september", "2025-06-26-london-framework-confirmed"]
    london = ev.set_index("id").loc["2025-06-09-london-talks"]
    assert london["sources"].split("; ")[:3] == ["seed-004", "seed-002", "london-remarks-2025-06-10"]
    assert "Wang Wentao" in london["actors"] and "He Lifeng" in london["actors"]


def test_events_filtered_by_sticking_point_and_actor(ds):
    ev = q.events_between(ds, sticking_points=["tiktok"])
    assert list(ev["id"]) == ["2025-06-19-tiktok-delay-september", "2025-09-14-madrid-talks", "2025-09-16-tiktok-delay-december",
                              "2025-09-19-trump-xi-call", "2025-09-25-tiktok-divestiture-order",
                              "2025-12-18-tiktok-binding-agreements", "2025-12-25-mofcom-on-tiktok-deal",
                              "2026-01-22-tiktok-joint-venture-closes"]
    ev = q.events_between(ds, actors=["wang-wentao"])
    assert list(ev["id"]) == ["2025-06-09-london-talks", "2025-10-30-busan-summit"]


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
    assert (top["name_us"], top["name_cn"], top["meetings"]) == ("Jamieson Greer", "He Lifeng", 9)


def test_status_history(ds):
    h = q.status_history(ds, "rare-earths")
    assert list(zip(h["date"].dt.strftime("%Y-%m-%d"), h["status"])) == [
        ("2025-02-04", "raised"), ("2025-04-04", "escalated"), ("2025-06-05", "negotiated"), ("2025-06-10", "negotiated"),
        ("2025-06-11", "negotiated"), ("2025-06-27", "pledged"), ("2025-10-09", "escalated"), ("2025-10-26", "negotiated"),
        ("2025-10-30", "pledged"), ("2025-11-01", "pledged"), ("2025-11-07", "suspended"), ("2025-11-09", "suspended"),
        ("2025-11-16", "negotiated"), ("2025-12-18", "eased"), ("2026-01-19", "eased"), ("2026-03-16", "negotiated"),
        ("2026-05-18", "negotiated"), ("2026-06-22", "escalated")]
    assert list(h.loc[h["status"] == "suspended", "expires"]) == [pd.Timestamp("2026-11-10"), pd.Timestamp("2026-11-27")]


def test_scheduled_events_set_no_status(ds):
    scheduled = set(ds.events.loc[ds.events["status"] == "scheduled", "id"])
    assert scheduled and not scheduled & set(states.history(ds)["event_id"])


def test_same_day_statuses_read_the_measure_last(ds):
    # 5 November 2025: China keeps 24 points suspended, and the Supreme Court hears argument
    h = q.status_history(ds, "tariff-levels", "2025-11-05", "2025-11-05")
    assert list(h["status"]) == ["unresolved", "suspended"]
    assert states.point_state(ds, "tariff-levels", "2025-11-05").kind == "suspended"


@pytest.mark.parametrize("point, on, kind, since", [
    ("tariff-levels", "2025-05-11", "open", "2025-05-11"),
    ("tariff-levels", "2025-05-14", "suspended", "2025-05-14"),
    ("fentanyl-tariff", "2025-12-31", "partly_implemented", "2025-11-10"),
    ("soybeans", "2025-12-31", "pledged", "2025-12-18"),
    ("tiktok", "2026-12-02", "closed", "2026-01-22"),
    ("entity-list", "2025-12-31", "suspended", "2025-11-10"),
    ("entity-list", "2026-12-02", "suspension_expired", "2025-11-10"),
    ("port-fees", "2026-12-02", "suspension_expired", "2025-11-10"),
    ("rare-earths", "2026-12-02", "escalated", "2026-06-22"),
    ("student-visas", "2025-05-01", "not_raised", None),
])
def test_point_states(ds, point, on, kind, since):
    s = states.point_state(ds, point, on)
    assert s.kind == kind
    assert s.since == (pd.Timestamp(since) if since else None)


def test_point_states_on_the_as_of_date(ds):
    o = states.point_states(ds).set_index("sticking_point_id")
    assert o["kind"].value_counts().to_dict() == {"open": 7, "escalated": 2, "suspension_expired": 2, "pledged": 1, "closed": 1}
    assert o.loc["entity-list", "expires"] == (pd.Timestamp("2026-11-09"),)
    assert o.loc["tariff-levels", "since"] == pd.Timestamp("2026-07-24")  # its last event, not the window's end


def test_suspensions_and_their_outcomes(ds):
    s = states.suspensions(ds).set_index("event_id")["state"].to_dict()
    # the Geneva truce and the first TikTok delay were extended; the second TikTok delay was followed by events
    assert s["2025-05-12-us-geneva-order"] == s["2025-08-11-truce-extended"] == "extended"
    assert s["2025-06-19-tiktok-delay-september"] == "extended"
    assert s["2025-09-16-tiktok-delay-december"] == "followed"
    # China's two rare-earth suspensions of November 2025 are separate measures with their own expiry
    assert s["2025-11-07-china-suspends-october-controls"] == s["2025-11-09-china-suspends-gallium-ban"] == "expired"
    assert sorted(k for k, v in s.items() if v == "expired") == [
        "2025-11-04-us-implementing-orders", "2025-11-05-china-implementing-tariffs",
        "2025-11-07-china-suspends-october-controls", "2025-11-09-china-suspends-gallium-ban",
        "2025-11-09-ustr-suspends-port-fees", "2025-11-10-bis-affiliates-rule-suspended",
        "2025-11-10-china-suspends-port-fees-hanwha"]
    assert set(states.suspensions(ds, "2025-12-31")["state"]) == {"extended", "followed", "running"}


def test_dates_to_watch(ds):
    w = states.dates_to_watch(ds)
    assert list(w["kind"]) == ["expired"] * 5 + ["scheduled"] * 2
    assert list(w.loc[w["kind"] == "expired", "date"].dt.strftime("%Y-%m-%d")) == [
        "2026-11-09", "2026-11-10", "2026-11-10", "2026-11-10", "2026-11-27"]
    assert set(w.loc[w["kind"] == "scheduled", "event_ids"].str[0]) == {"2026-12-01-g20-doral", "2026-05-16-xi-return-state-visit"}
    # a page stating an earlier day lists the suspensions then running, and no plan of later years
    early = states.dates_to_watch(ds, "2025-06-30")
    assert list(zip(early["kind"], early["date"].dt.strftime("%Y-%m-%d"), early["points"])) == [
        ("due", "2025-08-12", "Tariff levels"), ("due", "2025-09-17", "TikTok")]


def test_sticking_point_outcomes(ds):
    o = q.sticking_point_outcomes(ds).set_index("sticking_point_id")
    assert o.loc["tiktok", "outcome"] == "agreed" and o.loc["tiktok", "state"] == "closed"
    assert o.loc["soybeans", "outcome"] == "open" and o.loc["soybeans", "state"] == "pledged"
    assert o.loc["rare-earths", "state"] == "escalated"
    assert (o["on"] == pd.Timestamp("2026-12-02")).all()
    # Before Geneva, the tariff dispute is open, not suspended; after it, suspended
    early = q.sticking_point_outcomes(ds, None, "2025-05-11").set_index("sticking_point_id")
    assert early.loc["tariff-levels", "outcome"] == "open"
    later = q.sticking_point_outcomes(ds, None, "2025-05-14").set_index("sticking_point_id")
    assert later.loc["tariff-levels", "outcome"] == "suspended"


def test_headline_figures(ds):
    h = q.headline_figures(ds)
    assert (h["talks_rounds"], h["leaders_calls"], h["negotiators_calls"], h["summits"]) == (6, 4, 2, 2)
    assert h["events"] == len(ds.events) and h["scheduled"] == int((ds.events["status"] == "scheduled").sum())
    assert h["as_of"] == pd.Timestamp("2026-12-02")
    assert h["states"] == {"open": 7, "escalated": 2, "suspension_expired": 2, "pledged": 1, "closed": 1}


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
