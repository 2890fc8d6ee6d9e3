"""The chronology and the list of sources split over pages: every row on exactly one page, in order,
no page over its size, calendar periods where they fit, and citations pointing at the right page."""
from __future__ import annotations

import pytest

from tradetalks import load_dataset
from tradetalks.analysis import parts
from tradetalks.analysis import queries as q
from tradetalks.report import common


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_every_event_of_the_window_is_on_exactly_one_chronology_page_in_date_order(ds):
    found = parts.chronology_parts(ds)
    assert [e for p in found for e in p.rows] == list(q.events_between(ds)["id"])
    assert all(0 < len(p.rows) <= parts.EVENTS_PER_PART for p in found)


def test_whole_years_share_a_page_while_they_fit(ds):
    years = q.events_between(ds)["start_date"].dt.year.value_counts().sort_index()
    expected, group = [], []
    for year, n in years.items():
        if group and sum(c for _, c in group) + n > parts.EVENTS_PER_PART:
            expected.append(group)
            group = []
        group.append((year, n))
    expected.append(group)
    ids = [str(g[0][0]) if len(g) == 1 else f"{g[0][0]}-{g[-1][0]}" for g in expected]
    assert [p.id for p in parts.chronology_parts(ds)] == ids


def test_a_year_longer_than_a_page_is_split_by_months(ds):
    events_2025 = q.events_between(ds, "2025-01-01", "2025-12-31")
    size = len(events_2025) // 2
    found = parts.chronology_parts(ds, "2025-01-01", "2025-12-31", size=size)
    assert len(found) >= 2 and all(len(p.rows) <= size for p in found)
    assert all(p.id.startswith("2025-") for p in found)
    months = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")
    assert all(p.title.endswith(" 2025") and p.title.split("–")[0].split()[0] in months for p in found)
    assert [e for p in found for e in p.rows] == list(events_2025["id"])


def test_sources_are_split_by_number_and_citations_point_at_their_page(ds):
    numbers = q.source_numbers(ds)
    found = parts.source_parts(ds)
    assert [s for p in found for s in p.rows] == sorted(numbers, key=numbers.get)
    assert all(len(p.rows) <= parts.SOURCES_PER_PART for p in found)
    page_of = {s: p.id for p in found for s in p.rows}
    for sid, n in numbers.items():
        assert parts.source_part_id(n, len(numbers)) == page_of[sid]
    last = max(numbers, key=numbers.get)
    link = common.cite(ds, [last]).links[0][0]
    assert link == f"sources-{page_of[last]}.html#src-{last}"


def test_an_unknown_part_names_the_parts_there_are(ds):
    with pytest.raises(q.QueryError, match=r"no chronology part '1999'; the parts are: .*2025"):
        parts.find_part(parts.chronology_parts(ds), "1999", "chronology")
