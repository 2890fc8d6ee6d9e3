"""Date phrases in a sentence, each resolved against the article's publication date with the reasoning
written out, the way the data's ``date_note`` does.

Absolute phrases ("May 29", "29 May 2025", "2025-05-30") are parsed with ``dateparser`` (offline);
relative ones follow the rules of :mod:`tradetalks.ingest.calendar` ("Thursday", "tomorrow",
"last month", ...). A phrase that cannot be pinned down ("recently", "soon", a weekday in a sentence
about the future) is returned with precision ``ambiguous`` and no date: it is flagged, not guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import dateparser

from . import calendar as cal

MONTH = (r"(?P<month>(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
         r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)")
WEEKDAY = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?!s)"
DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b"
YEAR = r"(?P<year>(?:19|20)\d\d)\b"
NUM = r"(?P<n>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten)"
CI = "(?i:{})".format  # case-insensitive part; month and weekday names stay capitalised (not "may", "march")

#: (kind, pattern). Earlier and longer matches win where two overlap.
PATTERNS: list[tuple[str, re.Pattern]] = [(k, re.compile(p)) for k, p in [
    ("iso", r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"),
    ("absolute", rf"\b(?:{WEEKDAY},?\s+)?{MONTH}\s+{DAY}(?:,?\s+{YEAR})?"),
    ("absolute", rf"\b(?:{WEEKDAY},?\s+)?{DAY}\s+(?:of\s+)?{MONTH}(?:,?\s+{YEAR})?"),
    ("part_month", CI(r"\b(?P<part>early|mid|late|earlier in|later in|(?:the )?end of|(?:the )?beginning of|(?:the )?start of)[\s-]+")
     + rf"{MONTH}(?:\s+{YEAR})?"),
    ("month_year", rf"\b{MONTH}\s+{YEAR}"),
    ("in_month", CI(r"\b(?:in|since|until|by|during|from|through|of|last|this|next)\s+") + rf"{MONTH}(?!\s+\d)"),
    ("weekday", CI(r"\b(?:(?P<mod>last|next|this|on|by|until|since|from)\s+)?") + WEEKDAY
     + CI(r"(?:\s+(?P<tod>night|morning|evening|afternoon))?")),
    ("relative", CI(r"\b(?P<rel>the day before yesterday|the day after tomorrow|yesterday|tomorrow|today|tonight"
                   r"|this (?:morning|afternoon|evening))\b(?!['’]s)")),
    ("relative", CI(r"\b(?P<rel>(?:earlier|later) this (?:week|month|year)|(?:last|this|next) (?:week|month|year)"
                   r"|(?:over|at) the weekend|(?:last|this|next) weekend"
                   r"|(?:early|mid|late|earlier|later)[\s-](?:next|last|this) year)\b")),
    ("counted", CI(rf"\b{NUM}\s+(?P<unit>day|week|month|year)s?\s+(?P<dir>ago|from now)\b")),
    ("counted", CI(rf"\bin\s+{NUM}\s+(?P<unit>day|week)s?(?P<dir>)\b")),
    ("anchored", CI(rf"\b{NUM}\s+(?P<unit>day|week)s?\s+(?P<dir>earlier|later|before|after|prior)\b")),
    ("anchored", CI(r"\bthe (?P<unit>day|week) (?P<dir>before|after)\b(?! (?:yesterday|tomorrow))")),
    ("anchored", CI(r"\bthe (?P<dir>previous|next|following) (?P<unit>day|week)\b")),
    ("year", CI(r"\b(?P<prep>in|since|during|until|early|late|mid)[\s-]+") + YEAR),
    ("vague", CI(r"\b(?P<vague>recently|soon|shortly|lately|in recent (?:days|weeks|months)|in the coming (?:days|weeks|months)"
                r"|in the near future|in the (?:past|last) (?:few )?(?:days|weeks|months))\b")),
]]
FUTURE = re.compile(r"\b(?:will|won['’]t|shall|would|(?:is|are|was|were) (?:set|due|expected|scheduled|slated|poised|going|to)"
                    r"|to be held|upcoming|ahead of|plans? to|planned for|sets? the stage for)\b", re.IGNORECASE)
PAST = re.compile(r"\b(?:said|told|announced|added|noted|stated|wrote|posted|met|held|signed|spoke|agreed|was|were|had|did|"
                  r"imposed|raised|cut|took|accused|denied|countered|reported|described|called|revealed|indicated|"
                  r"emphasi[sz]ed|suggested|left|arrived|began|ended|expanded|announced)\b", re.IGNORECASE)
CLAUSE_BREAK = re.compile(r"[;:]|\s[–—-]\s|,?\s+(?:but|while|whereas|although|that)\s", re.IGNORECASE)
PREPOSITIONS = re.compile(r"^(?:on|by|until|since|from|in|during|through|of)\s+", re.IGNORECASE)


@dataclass
class DateMention:
    """One date phrase and what it resolves to. ``precision`` is 'day' (start_date), 'within'
    (start_date..end_date) or 'ambiguous' (no date; ``candidates`` may hold the likeliest reading)."""
    phrase: str
    start: int
    end: int
    precision: str
    start_date: date | None = None
    end_date: date | None = None
    note: str = ""
    future: bool = False
    candidates: tuple[date, ...] = ()

    @property
    def resolved(self) -> bool:
        return self.precision in ("day", "within")


def is_future(sentence: str, start: int, end: int) -> bool:
    """Whether the verb governing sentence[start:end] speaks of the future: the nearest tense cue before the
    phrase in its clause ('will meet on Thursday' yes; 'said on Monday that talks would resume' no), else
    the first one after it ('On Thursday the leaders will meet')."""
    left = max([m.end() for m in CLAUSE_BREAK.finditer(sentence, 0, start)], default=0)
    right = next((m.start() for m in CLAUSE_BREAK.finditer(sentence, end)), len(sentence))
    before = [(m.end(), True) for m in FUTURE.finditer(sentence, left, start)]
    before += [(m.end(), False) for m in PAST.finditer(sentence, left, start)]
    if before:
        return max(before)[1]
    after = [(m.start(), True) for m in FUTURE.finditer(sentence, end, right)]
    after += [(m.start(), False) for m in PAST.finditer(sentence, end, right)]
    return min(after)[1] if after else False


def _parse(phrase: str, published: date, parts: list[str]) -> date | None:
    """An absolute phrase parsed by dateparser (English only, nothing fetched)."""
    settings = {"RELATIVE_BASE": datetime(published.year, published.month, published.day),
                "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": parts, "DATE_ORDER": "MDY"}
    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


def _absolute(m: re.Match, phrase: str, published: date, future: bool) -> DateMention:
    g = m.groupdict()
    text = re.sub(r"^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+", "", phrase)
    parsed = _parse(text, published, ["day", "month"])
    if parsed is None:
        return DateMention(phrase, m.start(), m.end(), "ambiguous", note=f"'{phrase}': not a calendar date")
    if g.get("year"):
        day, how = parsed, "the text gives the year"
    else:
        day, how = cal.nearest_year(parsed.month, parsed.day, published, future)
    note = f"'{phrase}' in an article of {cal.fmt(published)}: {how} = {cal.fmt(day)}"
    if g.get("wd") and cal.WEEKDAYS[day.weekday()] != g["wd"].lower():
        return DateMention(phrase, m.start(), m.end(), "ambiguous", note=note + f", which is not a {g['wd']}: "
                           "the text contradicts itself", candidates=(day,))
    return DateMention(phrase, m.start(), m.end(), "day", day, None, note, future)


def _resolve(kind: str, m: re.Match, sentence: str, published: date, anchor: date | None) -> DateMention:
    phrase = PREPOSITIONS.sub("", m.group(0)) if kind in ("weekday", "in_month") else m.group(0)
    start = m.start() + (len(m.group(0)) - len(phrase))
    future = is_future(sentence, m.start(), m.end())
    g = m.groupdict()
    if kind == "iso":
        day = date.fromisoformat(g["iso"]) if cal.valid_iso(g["iso"]) else None
        if day is None:
            return DateMention(phrase, start, m.end(), "ambiguous", note=f"'{phrase}': not a calendar date")
        return DateMention(phrase, start, m.end(), "day", day, None, f"'{phrase}': an ISO date", future)
    if kind == "absolute":
        return _absolute(m, phrase, published, future)
    rule = {"part_month": cal.part_of_month, "month_year": cal.part_of_month, "in_month": cal.part_of_month,
            "weekday": cal.weekday, "relative": cal.relative, "counted": cal.counted, "anchored": cal.anchored,
            "year": cal.year, "vague": cal.vague}[kind]
    if kind in ("part_month", "month_year", "in_month"):
        month = _parse(f"1 {g['month'].rstrip('.')} 2001", published, ["month"])
        g = {**g, "month_index": month.month if month else None}
    result = rule(phrase, g, published, future, anchor)
    return DateMention(phrase, start, m.end(), result.precision, result.start, result.end, result.note, future,
                       result.candidates)


def find_dates(sentence: str, published: date, anchor: date | None = None) -> list[DateMention]:
    """Every date phrase of ``sentence`` in order, resolved against ``published``. ``anchor`` is the last
    exact date the article named before this sentence (for 'a day prior', 'the next day')."""
    found: list[tuple[int, int, int, str, re.Match]] = []
    for rank, (kind, pattern) in enumerate(PATTERNS):
        for m in pattern.finditer(sentence):
            found.append((m.start(), -(m.end() - m.start()), rank, kind, m))
    taken: list[tuple[int, int]] = []
    mentions = []
    for s, _neg, _rank, kind, m in sorted(found, key=lambda t: (t[1], t[0], t[2])):
        if any(s < e and m.end() > b for b, e in taken):
            continue
        taken.append((s, m.end()))
        mentions.append(_resolve(kind, m, sentence, published, anchor))
    return sorted(mentions, key=lambda d: d.start)
