"""What a reader is told: the text of the overview, round and sticking-point pages, computed by the report
functions straight from the curated data (no book build). Expected figures are checked against the
data's own tables as well as written out, so a sentence that drifts from the data fails here."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from tradetalks import load_dataset
from tradetalks.analysis import queries as q
from tradetalks.analysis import states
from tradetalks.data import Dataset
from tradetalks.report import overview, point, sticking_points
from tradetalks.report import round as round_page

GENEVA = "2025-05-10-geneva-talks"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def text(obj) -> str:
    """What a reader sees of a Markdown output: MyST escapes and emphasis marks removed, one line."""
    raw = obj.data if hasattr(obj, "data") else str(obj)
    raw = re.sub(r"\\(.)", r"\1", raw)
    return " ".join(raw.replace("**", "").replace("*", "").split())


def cells(tbl) -> pd.DataFrame:
    """A report table's frame, every cell as the text it shows."""
    return tbl.df.astype(str)


def no_zero_or_lonely_peak(words: str) -> None:
    assert not re.search(r"\b0 (events?|sources?|rounds?|calls?|summits?|leaders|negotiators|suspensions?|sticking)", words), words
    assert "None" not in words and "NaN" not in words and "NaT" not in words, words


# ---------------------------------------------------------------------------- round pages

def test_geneva_outcome_from_the_linked_events(ds):
    before, after = q.round_before_after(ds, GENEVA)
    assert (before, after) == (pd.Timestamp("2025-05-09"), pd.Timestamp("2025-05-14"))
    # the figures the sentence must carry, straight from the tariff steps
    assert (q.tariff_in_force(ds, "united_states", before), q.tariff_in_force(ds, "united_states", after)) == (145, 30)
    assert (q.tariff_in_force(ds, "china", before), q.tariff_in_force(ds, "china", after)) == (125, 10)
    expiry = ds.event_sticking_points.loc[ds.event_sticking_points["event_id"] == "2025-05-12-us-geneva-order", "expires"].iloc[0]
    assert expiry == pd.Timestamp("2025-08-12") and (expiry - after).days == 90

    words = text(round_page.round_outcome(ds, GENEVA))
    assert "The record links 3 events to this round as its outcome" in words
    assert "had taken effect by 14 May 2025" in words
    assert "the US additional tariff on Chinese goods went from 145% to 30%" in words
    assert "China's additional tariff on US goods went from 125% to 10%" in words
    assert "Tariff levels: suspended for 90 days, until 12 August 2025." in words
    assert "Not all of that" not in words  # every step between came from the round's outcome


def test_geneva_outcome_events_are_listed_with_dates_and_citations(ds):
    tbl = round_page.round_outcomes_table(ds, GENEVA)
    df = cells(tbl)
    assert list(df["Outcome"]) == ["Geneva joint statement: a 90-day tariff truce",
                                   "Trump's order cuts the reciprocal tariff on China to 10% and the small-parcel duty to 54%",
                                   "China cuts its additional tariff on US goods to 10%"]
    assert list(df["Date"])[:2] == ["12 May 2025", "12 May 2025"]
    html = tbl.to_html()
    assert len(re.findall(r'href="sources-\d+-\d+\.html#src-', html)) >= 3  # every outcome cites its sources


def test_geneva_before_and_after(ds):
    df = cells(round_page.round_changes_table(ds, GENEVA))
    assert list(df.columns) == ["What", "Before (9 May 2025)", "After (14 May 2025)"]
    rows = df.set_index("What")
    assert tuple(rows.loc["US tariff on Chinese goods"]) == ("145%", "30%")
    assert tuple(rows.loc["Chinese tariff on US goods"]) == ("125%", "10%")
    assert rows.loc["Tariff levels", "Before (9 May 2025)"] == "Escalated"
    assert rows.loc["Tariff levels", "After (14 May 2025)"].startswith("Suspended until 12 August 2025 (meanwhile: ")


def test_round_that_did_not_cause_the_whole_change_says_so(ds):
    words = text(round_page.round_outcome(ds, "2025-11-24-trump-xi-call"))
    assert "went from 20% to 10%" in words
    assert "Not all of that came from the round" in words and "Trump orders an end to the IEEPA tariffs" in words


def test_round_with_no_outcome_linked(ds):
    words = text(round_page.round_outcome(ds, "2025-12-05-negotiators-video-call"))
    assert words.startswith("The record links no outcome to this round; the comparison below is with the day it ended, 5 December 2025.")


def test_round_titles_and_neighbours_read_as_words(ds):
    nav = round_page.round_neighbours(ds, "2025-06-05-trump-xi-call", "round").data
    assert ">Previous: Geneva talks, 10–11 May 2025<" in nav and ">Next: London talks, 9–10 June 2025<" in nav
    # in a custom report's window, only the rounds that have a page in it are linked
    s, e = q.window(ds, "2025-06-01", "2025-06-30")
    nav = round_page.round_neighbours(ds, "2025-06-05-trump-xi-call", "round", s, e).data
    assert "Geneva" not in nav and ">Next: London talks, 9–10 June 2025<" in nav
    assert "href" not in round_page.round_neighbours(ds, "2025-06-09-london-talks", "round", s, e).data.replace(
        'href="round-2025-06-05-trump-xi-call.html"', "")
    with pytest.raises(q.QueryError, match="not a negotiation round"):
        round_page.round_summary(ds, "2026-05-16-xi-return-state-visit")  # planned: a date to watch


# ---------------------------------------------------------------------------- statuses

def test_partly_implemented_says_what_remains(ds):
    remains = ds.event_sticking_points.set_index(["event_id", "sticking_point_id"]).loc[
        ("2025-11-10-busan-deal-in-force", "fentanyl-tariff"), "remains"]
    assert remains == "A 10% fentanyl-linked tariff stays in force."
    label = "Partly implemented (remains: A 10% fentanyl-linked tariff stays in force)"
    s, e = q.window(ds, "2025-01-20", "2025-12-31")
    assert states.point_state(ds, "fentanyl-tariff", e).label == label
    rows = cells(sticking_points.outcomes_table(ds, s, e)).set_index("Sticking point")
    assert rows.loc["Fentanyl-linked tariff", "Where it stands"] == label
    assert rows.loc["Fentanyl-linked tariff", "Since"] == "10 November 2025"  # its last event, not the window's end
    words = text(point.point_summary(ds, s, e, "fentanyl-tariff"))
    assert f"As of 31 December 2025 its status is {label}; the last event that touched it is The Busan measures take effect (10 November 2025)." in words


def test_expired_suspension_is_not_extended_or_lapsed_by_assumption(ds):
    s, e = q.window(ds)
    rows = cells(sticking_points.outcomes_table(ds, s, e)).set_index("Sticking point")
    assert rows.loc["Entity List and the affiliates rule", "Where it stands"] == \
        "Suspension expired on 9 November 2026 — outcome not yet recorded"
    assert rows.loc["Port fees on ships", "Where it stands"] == "Suspension expired on 10 November 2026 — outcome not yet recorded"
    assert rows.loc["Entity List and the affiliates rule", "Since"] == "10 November 2025"
    words = text(point.point_summary(ds, s, e, "entity-list"))
    assert ("As of 2 December 2026 its status is Suspension expired on 9 November 2026 — outcome not yet recorded; "
            "the last event that touched it is US suspends the Entity List affiliates rule for a year (10 November 2025).") in words
    page_words = " ".join([words, text(overview.state_summary(ds, s, e)), text(sticking_points.sticking_points_summary(ds, s, e))])
    assert not re.search(r"\b(extended|lapsed)\b", page_words)


def test_one_status_column_with_the_new_vocabulary(ds):
    s, e = q.window(ds)
    df = cells(sticking_points.outcomes_table(ds, s, e))
    assert list(df.columns) == ["Sticking point", "Where it stands", "Since", "Last event", "Events"]
    allowed = ("Agreed and in force", "Partly implemented", "Pledged, not yet verifiable", "Suspended until ",
               "Suspension expired on ", "Suspensions expired on ", "Escalated", "Open", "Closed")
    assert all(v.startswith(allowed) for v in df["Where it stands"]), set(df["Where it stands"])
    rows = df.set_index("Sticking point")
    assert rows.loc["TikTok", "Where it stands"] == "Closed"
    assert rows.loc["Agricultural purchases (soybeans)", "Where it stands"] == "Pledged, not yet verifiable"
    assert rows.loc["Tariff levels", "Since"] == "24 July 2026"


def test_sticking_points_summary_groups_without_empty_groups(ds):
    s, e = q.window(ds)
    words = text(sticking_points.sticking_points_summary(ds, s, e))
    assert words.startswith("On 2 December 2026, of the 13 sticking points touched between 8 March 2018 and 31 December 2026:")
    assert "- 1 closed: TikTok" in words
    assert "- 2 suspension expired, outcome not yet recorded: Entity List and the affiliates rule (expired on 9 November 2026); " \
           "Port fees on ships (expired on 10 November 2026)" in words
    assert "agreed and in force" not in words and "- 0 " not in words


def test_history_tables_say_what_each_event_did(ds):
    s, e = q.window(ds, "2025-05-01", "2025-05-31")
    df = cells(sticking_points.status_history_table(ds, s, e, ["tariff-levels"]))
    assert "Suspended until 12 August 2025 (meanwhile: China's 10% additional tariff on all US goods stays in force)" in set(df["Status"])
    assert "Until" not in df.columns


# ---------------------------------------------------------------------------- the overview, as of the data's date

def test_where_things_stand_sentences(ds):
    s, e = q.window(ds)
    words = text(overview.state_summary(ds, s, e))
    assert words.startswith("- As of 2 December 2026, the United States applies an additional 12.5% to all Chinese goods "
                            "(since 24 July 2026), and China applies an additional 10% to all US goods (since 14 May 2025).")
    assert ("- 7 suspensions, on 4 sticking points, expired on 9, 10 and 27 November 2026 with no outcome recorded yet "
            "(Tariff levels; Rare earths and critical minerals; Port fees on ships; Entity List and the affiliates rule).") in words
    assert "- Of the 13 sticking points on record by then: 1 closed (TikTok), " in words
    assert "2 escalated (Tariff levels; Rare earths and critical minerals) and 7 open." in words
    assert words.endswith("- Next dates to watch, by 31 December 2026: Planned: G20 summit at Trump's Doral resort and "
                          "Planned: Xi's return state visit to Washington.")
    no_zero_or_lonely_peak(words)


def test_key_numbers(ds):
    s, e = q.window(ds)
    kn = overview.key_numbers(ds, s, e)
    boxes = {label: (value, details) for label, value, details in kn.boxes}
    assert boxes["US additional tariff on Chinese goods"][0] == "12.5%"
    assert boxes["US additional tariff on Chinese goods"][1][:2] == ["on all Chinese goods, since 24 July 2026",
                                                                    "Section 301 forced labor 12.5%"]
    assert boxes["China's additional tariff on US goods"][0] == "10%"
    assert boxes["Suspensions expired"] == ("7", ["on 9, 10 and 27 November 2026", "outcome not yet recorded",
                                                  "Tariff levels; Rare earths and critical minerals; Port fees on ships; "
                                                  "Entity List and the affiliates rule"])
    assert boxes["Open sticking points"] == ("9", ["of 13 sticking points on record", "2 of them escalated"])
    assert boxes["Next date to watch"][0] == "By 31 December 2026"
    html = kn._repr_html_()
    assert "As of <strong>2 December 2026</strong>" in html
    assert html.count('class="tradetalks-keynumber"') == len(kn.boxes) == 5
    assert all(value and details for value, details in boxes.values())  # no empty box


def test_key_numbers_escape_data_text(ds):
    tables = {k: v.copy() for k, v in ds.tables.items()}
    sp = tables["sticking_points"]
    sp.loc[sp["id"] == "entity-list", "name"] = '<img src=x onerror="alert(1)">'
    hostile = Dataset(ds.data_dir, ds.schema, tables)
    s, e = q.window(hostile)
    html = overview.key_numbers(hostile, s, e)._repr_html_()
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    myst = overview.state_summary(hostile, s, e).data
    assert "\\<img src\\=x" in myst and not re.search(r"(?<!\\)<img", myst)  # backslash-escaped for MyST


def test_dates_to_watch_table(ds):
    s, e = q.window(ds)
    tbl = overview.dates_to_watch_table(ds, s, e)
    assert tbl.caption == "Dates to watch, as of 2 December 2026"
    df = cells(tbl)
    assert list(df["When"]) == ["9 November 2026"] + ["10 November 2026"] * 3 + [
        "27 November 2026", "By 31 December 2026", "By 31 December 2026"]
    assert df["What"].iloc[0] == "Entity List and the affiliates rule: US suspends the Entity List affiliates rule for a year"
    assert list(df["Status"]) == ["Suspension expired — outcome not yet recorded"] * 5 + ["Scheduled after the record's last check"] * 2
    assert set(df["What"].iloc[-2:]) == {"Planned: G20 summit at Trump's Doral resort", "Planned: Xi's return state visit to Washington"}
    assert all(df["Sources"].str.startswith("["))


def test_introduction_names_the_rounds_of_the_window(ds):
    s, e = q.window(ds)
    words = text(overview.introduction(ds, s, e))
    assert words.startswith("This report follows the trade conflict between the United States and China from 8 March 2018 "
                            "to 31 December 2026, as the record stood on 2 December 2026, the day it was last checked")
    assert ("The two sides held 6 rounds of formal talks in Geneva, London, Stockholm, Madrid, Kuala Lumpur and Paris, "
            "4 leaders' calls, 2 negotiators' calls and 2 summits in Busan and Beijing.") in words


def test_story_by_phase(ds):
    s, e = q.window(ds)
    words = text(overview.phases_story(ds, s, e))
    assert "Escalation (1 February – 11 May 2025)." in words
    assert "Headline tariffs: US 0% → 145%, China 0% → 125%. Round: Geneva talks, 10–11 May 2025." in words
    assert "Geneva truce (12 May – 10 August 2025)." in words and "US 145% → 30%, China 125% → 10%." in words
    assert "November 2026 deadlines (10 November – 2 December 2026)." in words  # clipped to the as-of date


def test_window_in_numbers(ds):
    s, e = q.window(ds)
    words = text(overview.overview_summary(ds, s, e))
    n = len(ds.events)
    assert f"the record holds {n} events drawn from" in words
    assert "The two governments held 6 rounds of formal talks, 4 leaders' calls, 2 negotiators' calls and 2 summits." in words
    assert ("The headline additional US tariff on Chinese goods stood at 0% on 8 March 2018, peaked at 145% on 10 April 2025 "
            "and stood at 12.5% on 2 December 2026.") in words


# ---------------------------------------------------------------------------- a custom report for one month

def test_one_month_window_reads_right(ds):
    s, e = q.window(ds, "2025-06-01", "2025-06-30")
    intro = text(overview.introduction(ds, s, e))
    assert intro.startswith("This report follows the trade conflict between the United States and China from 1 June 2025 "
                            "to 30 June 2025. It falls within one phase of the conflict, Geneva truce. "
                            "The two sides held one round of formal talks in London and one leaders' call.")
    for outside in ("Geneva,", "Stockholm", "Madrid", "Busan", "Beijing", "Paris", "summit", "negotiators'"):
        assert outside not in intro, outside
    stand = text(overview.state_summary(ds, s, e))
    assert stand.startswith("- As of 30 June 2025, the United States applies an additional 30% to all Chinese goods "
                            "(since 14 May 2025, Fentanyl (IEEPA) 20% and Reciprocal (IEEPA) 10%), and China applies an "
                            "additional 10% to all US goods (since 14 May 2025).")
    assert "3 suspensions, on 2 sticking points, are running: Tariff levels until 12 August 2025; TikTok until 17 September 2025." in stand
    assert "1 suspended (TikTok), 1 escalated (Fentanyl-linked tariff) and 6 open." in stand
    assert stand.endswith("Next date to watch, on 12 August 2025: the suspension of Tariff levels runs out.")
    numbers = text(overview.overview_summary(ds, s, e))
    assert "The two governments held 1 round of formal talks and 1 leaders' call." in numbers
    assert "The headline additional US tariff on Chinese goods stood at 30% throughout." in numbers
    assert "China's additional tariff on US goods stood at 10% throughout." in numbers
    assert "scheduled" not in numbers  # no planned event in June 2025
    for words in (intro, stand, numbers, text(overview.phases_story(ds, s, e))):
        no_zero_or_lonely_peak(words)
        assert "peak" not in words
    # the tariff table has no peak columns when nothing changed
    assert list(cells(overview.tariff_table(ds, s, e)).columns) == ["Tariff", "On 1 June 2025", "On 30 June 2025"]
    # dates to watch: what was running then, no plan of a later year
    df = cells(overview.dates_to_watch_table(ds, s, e))
    assert list(df["When"]) == ["12 August 2025", "17 September 2025"]
    assert set(df["Status"]) == {"Suspension runs until then"}
    assert {b[0] for b in overview.key_numbers(ds, s, e).boxes} == {
        "US additional tariff on Chinese goods", "China's additional tariff on US goods", "Suspensions running",
        "Open sticking points", "Next date to watch"}


def test_one_month_with_a_summit_and_a_call(ds):
    s, e = q.window(ds, "2025-10-01", "2025-10-31")
    intro = text(overview.introduction(ds, s, e))
    assert ("The two sides held one round of formal talks in Kuala Lumpur, one negotiators' call and one summit in Busan.") in intro
    assert "leaders' call" not in intro
    numbers = text(overview.overview_summary(ds, s, e))
    assert "The two governments held 1 round of formal talks, 1 negotiators' call and 1 summit." in numbers
    no_zero_or_lonely_peak(numbers)


def test_a_window_with_no_round(ds):
    s, e = q.window(ds, "2026-07-01", "2026-07-31")
    intro = text(overview.introduction(ds, s, e))
    assert "No round of talks, call or summit between the two sides falls in this window." in intro
    numbers = text(overview.overview_summary(ds, s, e))
    assert "The two governments held" not in numbers
    assert "went from 10% on 1 July 2026 to 12.5% on 31 July 2026" in numbers
    no_zero_or_lonely_peak(numbers)
