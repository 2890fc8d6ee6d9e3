"""The rules for relative date phrases, each returning a :class:`Result` with the reasoning written out.

Conventions (stated in every note they apply to):
- a weekday without "next" names the most recent such day on or before publication (news report past
  events that way); in a sentence about the future it is ambiguous (this week's or a later one);
- "tomorrow" is publication + 1 day, "yesterday" - 1; "last week" the previous Monday-Sunday week;
- "last month" the previous calendar month (a range: precision 'within'); "early/mid/late May" the
  1st-10th, 11th-20th and 21st-last day; "early next year" January-April;
- a date without a year is in the year that puts it nearest to publication (on or after it when the
  sentence speaks of the future);
- "a day prior", "the next day" count from the last exact date the article named before them.
"""
from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
PARTS = {"early": (1, 10), "beginning of": (1, 10), "start of": (1, 10), "mid": (11, 20), "late": (21, 31),
         "end of": (21, 31)}
YEAR_PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}


@dataclass
class Result:
    precision: str  # day, within, ambiguous
    start: date | None = None
    end: date | None = None
    note: str = ""
    candidates: tuple[date, ...] = ()


def fmt(d: date) -> str:
    """'Fri 6 Jun 2025'."""
    return f"{d:%a} {d.day} {d:%b %Y}"


def valid_iso(text: str) -> bool:
    try:
        date.fromisoformat(text)
        return True
    except ValueError:
        return False


def month_range(year: int, month: int, first: int = 1, last: int = 31) -> tuple[date, date]:
    end = min(last, _calendar.monthrange(year, month)[1])
    return date(year, month, first), date(year, month, end)


def nearest_year(month: int, day: int, published: date, future: bool) -> tuple[date, str]:
    """The month/day in the year nearest to publication (on or after it for the future), with the reason."""
    options = []
    for y in (published.year - 1, published.year, published.year + 1):
        try:
            options.append(date(y, month, day))
        except ValueError:
            continue
    if future:
        later = [d for d in options if d >= published]
        return min(later), "no year given and the sentence speaks of the future: the first such date on or after publication"
    best = min(options, key=lambda d: (abs((d - published).days), d > published))
    return best, "no year given: the year that puts it nearest to publication"


def _lead(phrase: str, published: date) -> str:
    return f"'{phrase}' in an article of {fmt(published)}"


def weekday(phrase: str, g: dict, published: date, future: bool, anchor: date | None) -> Result:
    target = WEEKDAYS.index(g["wd"].lower())
    mod = (g.get("mod") or "").lower()
    back = (published.weekday() - target) % 7
    last_on_or_before = published - timedelta(days=back)
    ahead = (target - published.weekday()) % 7
    first_on_or_after = published + timedelta(days=ahead)
    name = g["wd"].capitalize()
    lead = _lead(phrase, published)
    tod = f" ({g['tod'].lower()} of that day)" if g.get("tod") else ""
    if mod == "last":
        d = last_on_or_before if back else published - timedelta(days=7)
        return Result("day", d, None, f"{lead}: 'last {name}' = the most recent {name} before publication = {fmt(d)}{tod}")
    if mod == "this":
        monday = published - timedelta(days=published.weekday())
        d = monday + timedelta(days=target)
        return Result("day", d, None, f"{lead}: the {name} of the publication week (Monday to Sunday) = {fmt(d)}{tod}")
    if mod == "next" or future:
        if mod == "next" and not ahead:
            first_on_or_after, ahead = published + timedelta(days=7), 7
        options = (first_on_or_after,) if ahead else (published, published + timedelta(days=7))
        if mod == "next" and first_on_or_after.isocalendar()[1] != published.isocalendar()[1]:
            return Result("day", first_on_or_after, None,
                          f"{lead}: 'next {name}' = the first {name} after publication, in the following week = "
                          f"{fmt(first_on_or_after)}{tod}")
        reading = " or ".join(fmt(d) for d in options)
        why = (f"'next {name}' may mean this week's or the following week's" if mod == "next"
               else f"the sentence speaks of the future, so the past-event convention does not apply; "
                    f"it may be the coming {name}")
        return Result("ambiguous", note=f"{lead}: {why} ({reading}, or later): ambiguous, not resolved", candidates=options)
    same = " (the publication day itself)" if back == 0 else ""
    return Result("day", last_on_or_before, None,
                  f"{lead}: the most recent {name} on or before publication = {fmt(last_on_or_before)}{same}{tod}; "
                  "assumes the news convention that a bare weekday names a past day")


def relative(phrase: str, g: dict, published: date, future: bool, anchor: date | None) -> Result:
    rel = " ".join(g["rel"].lower().replace("-", " ").split())
    lead = _lead(phrase, published)
    days = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0, "yesterday": -1,
            "tomorrow": 1, "the day before yesterday": -2, "the day after tomorrow": 2}
    if rel in days:
        d = published + timedelta(days=days[rel])
        sign = "+" if days[rel] >= 0 else "-"
        return Result("day", d, None, f"{lead}: publication {sign} {abs(days[rel])} day{'s' if abs(days[rel]) != 1 else ''} = {fmt(d)}")
    monday = published - timedelta(days=published.weekday())
    first = published.replace(day=1)
    spans: dict[str, tuple[date, date, str]] = {
        "last week": (monday - timedelta(days=7), monday - timedelta(days=1), "the previous Monday-Sunday week"),
        "this week": ((published, monday + timedelta(days=6)) if future else (monday, published)) + ("the publication week",),
        "earlier this week": (monday, published - timedelta(days=1), "the publication week before the publication day"),
        "later this week": (published + timedelta(days=1), monday + timedelta(days=6), "the rest of the publication week"),
        "next week": (monday + timedelta(days=7), monday + timedelta(days=13), "the following Monday-Sunday week"),
        "last month": (*month_range(*(_shift_month(published, -1))), "the calendar month before publication"),
        "this month": ((published, month_range(published.year, published.month)[1]) if future else (first, published))
        + ("the publication month",),
        "earlier this month": (first, published - timedelta(days=1), "the publication month before the publication day"),
        "later this month": (published + timedelta(days=1), month_range(published.year, published.month)[1],
                             "the rest of the publication month"),
        "next month": (*month_range(*(_shift_month(published, 1))), "the calendar month after publication"),
        "last year": (date(published.year - 1, 1, 1), date(published.year - 1, 12, 31), "the calendar year before publication"),
        "this year": ((published, date(published.year, 12, 31)) if future else (date(published.year, 1, 1), published))
        + ("the publication year",),
        "earlier this year": (date(published.year, 1, 1), published - timedelta(days=1), "the publication year before publication"),
        "later this year": (published + timedelta(days=1), date(published.year, 12, 31), "the rest of the publication year"),
        "next year": (date(published.year + 1, 1, 1), date(published.year + 1, 12, 31), "the calendar year after publication"),
    }
    sat = published - timedelta(days=(published.weekday() - 5) % 7)
    if future or rel == "next weekend":
        sat = published + timedelta(days=(5 - published.weekday()) % 7) + timedelta(days=7 if rel == "next weekend" else 0)
    elif rel == "last weekend" and published.weekday() >= 5:
        sat -= timedelta(days=7)
    for w in ("over the weekend", "at the weekend", "this weekend", "last weekend", "next weekend"):
        spans[w] = (sat, sat + timedelta(days=1), "the nearest Saturday-Sunday " + ("ahead" if future else "on or before publication"))
    for part, (m1, m2) in YEAR_PARTS.items():
        for which, offset in (("last", -1), ("this", 0), ("next", 1)):
            y = published.year + offset
            spans[f"{part} {which} year"] = (date(y, m1, 1), month_range(y, m2)[1], f"{part} {y}: months {m1}-{m2} (our reading of '{part}')")
    if rel not in spans:
        return Result("ambiguous", note=f"{lead}: no rule for this phrase: ambiguous, not resolved")
    s, e, what = spans[rel]
    if e < s:
        return Result("ambiguous", note=f"{lead}: {what} is empty on this publication day: ambiguous, not resolved")
    return Result("within", s, e, f"{lead}: {what} = {fmt(s)} to {fmt(e)} (the exact day is not given)")


def _shift_month(d: date, n: int) -> tuple[int, int]:
    index = d.year * 12 + d.month - 1 + n
    return index // 12, index % 12 + 1


def part_of_month(phrase: str, g: dict, published: date, future: bool, anchor: date | None) -> Result:
    month = g.get("month_index")
    lead = _lead(phrase, published)
    if month is None:
        return Result("ambiguous", note=f"{lead}: not a month name: ambiguous, not resolved")
    part = " ".join((g.get("part") or "").lower().replace("the ", "").split())
    low = phrase.lower()
    if g.get("year"):
        year, how = int(g["year"]), "the text gives the year"
    else:
        options = [(published.year + k, month) for k in (-1, 0, 1)]
        index = published.year * 12 + published.month - 1
        dist = {o: o[0] * 12 + o[1] - 1 - index for o in options}
        if part == "earlier in" or low.startswith("last "):
            year = max(o for o in options if dist[o] <= (0 if part == "earlier in" else -1))[0]
            how = "the most recent such month" + (" up to publication" if part == "earlier in" else " before publication")
        elif future or part == "later in" or low.startswith("next "):
            year = min(o for o in options if dist[o] >= (1 if low.startswith("next ") else 0))[0]
            how = "the first such month from publication on (the sentence speaks of the future)"
        else:
            year = min(options, key=lambda o: (abs(dist[o]), dist[o] > 0))[0]
            how = "no year given: the year that puts the month nearest to publication"
    first, last = PARTS.get(part, (1, 31))
    s, e = month_range(year, month, first, last)
    if part == "earlier in" and (year, month) == (published.year, published.month):
        e = published - timedelta(days=1)
    if part == "later in" and (year, month) == (published.year, published.month):
        s = published + timedelta(days=1)
    if e < s:
        return Result("ambiguous", note=f"{lead}: {how}, but that part of the month is empty: ambiguous, not resolved")
    reading = f"days {first}-{e.day}, our reading of '{part}'" if part in PARTS else "the whole month"
    return Result("within", s, e, f"{lead}: {how} = {fmt(s)} to {fmt(e)} ({reading}; the exact day is not given)")


def counted(phrase: str, g: dict, published: date, future: bool, anchor: date | None) -> Result:
    n, unit = _number_of(g["n"]), g["unit"].lower()
    sign = 1 if (g.get("dir") or "").lower() in ("", "from now") else -1
    lead = _lead(phrase, published)
    if unit == "day":
        d = published + timedelta(days=sign * n)
        return Result("day", d, None, f"{lead}: publication {'+' if sign > 0 else '-'} {n} day{'s' if n != 1 else ''} = {fmt(d)}")
    if unit == "week":
        d = published + timedelta(days=sign * 7 * n)
        monday = d - timedelta(days=d.weekday())
        return Result("within", monday, monday + timedelta(days=6),
                      f"{lead}: {n} week{'s' if n != 1 else ''} {'after' if sign > 0 else 'before'} publication falls in the week "
                      f"{fmt(monday)} to {fmt(monday + timedelta(days=6))} (the exact day is not given)")
    if unit == "month":
        y, m = _shift_month(published, sign * n)
        s, e = month_range(y, m)
        return Result("within", s, e, f"{lead}: the calendar month {n} before publication = {fmt(s)} to {fmt(e)}")
    y = published.year + sign * n
    return Result("within", date(y, 1, 1), date(y, 12, 31), f"{lead}: the calendar year {y}")


def _number_of(text: str) -> int:
    words = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10}
    return int(text) if text.isdigit() else words[text.lower()]


def anchored(phrase: str, g: dict, published: date, future: bool, anchor: date | None) -> Result:
    direction = (g.get("dir") or "").lower()
    n = _number_of(g["n"]) if g.get("n") else 1
    days = n * (7 if g["unit"].lower() == "week" else 1)
    sign = -1 if direction in ("earlier", "before", "prior", "previous") else 1
    if anchor is None:
        return Result("ambiguous", note=f"'{phrase}': counted from an event, and the article names no exact date before it: "
                                        "ambiguous, not resolved")
    d = anchor + timedelta(days=sign * days)
    return Result("day", d, None, f"'{phrase}' counted from the last exact date the article names before it, {fmt(anchor)}: "
                                  f"{'-' if sign < 0 else '+'} {days} day{'s' if days != 1 else ''} = {fmt(d)}")


def year(phrase: str, g: dict, published: date, future: bool, anchor: date | None) -> Result:
    y = int(g["year"])
    prep = g["prep"].lower()
    first, last = YEAR_PARTS.get(prep, (1, 12))
    s, e = date(y, first, 1), month_range(y, last)[1]
    if prep == "since":
        return Result("within", s, e, f"'{phrase}': a period starting in {y}; dated here by its start year {y}")
    return Result("within", s, e, f"'{phrase}': {fmt(s)} to {fmt(e)} (the exact day is not given)")


def vague(phrase: str, g: dict, published: date, future: bool, anchor: date | None) -> Result:
    return Result("ambiguous", note=f"{_lead(phrase, published)}: no definite time: ambiguous, not resolved")
