"""The rules a schema cannot express: dates inside the data's window and in order, every event
sourced, quotes attributed to whom their source names, links that rest on a source's own reporting,
statuses with what they need, official identifiers in their published formats."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from .problems import Problem, RawTable
from .schema import PackageSchema

NEGOTIATION_TYPES = ("talks_round", "leaders_call", "negotiators_call", "summit")

#: Published formats of official identifiers, by source kind (a source may have none).
IDENTIFIER_FORMATS = {
    "executive_order": (r"EO 1\d{4}(; \d{2} FR \d+)?", "'EO 14257' or 'EO 14257; 90 FR 15041'"),
    "proclamation": (r"Proclamation \d{4,5}(; \d{2} FR \d+)?", "'Proclamation 10908' or 'Proclamation 10908; 90 FR 14705'"),
    "regulation": (r"\d{2} FR \d+(; .+)?", "a Federal Register citation such as '90 FR 47201' (then '; RIN ...')"),
    "federal_register_notice": (r"\d{2} FR \d+(; .+)?", "a Federal Register citation such as '90 FR 17114'"),
    "court_ruling": (r".*\b(No\.|Nos\.|Slip Op\.)\s*\d.*", "a docket or slip-opinion number such as 'No. 25-250'"),
    "court_order": (r".*\b(No\.|Nos\.|Slip Op\.)\s*\d.*", "a docket number such as 'No. 2025-1812'"),
    "official_announcement": (r"(.+ )?Announcement No\. \d+ of (19|20)\d\d(; .+)?|\d{2} FR \d+(; .+)?",
                              "'<body> Announcement No. N of YYYY' or a Federal Register citation"),
}


def _d(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _rows(table: RawTable | None):
    return zip(table.rows, table.lines) if table is not None else ()


def check_rules(schema: PackageSchema, tables: dict[str, RawTable], problems: list[Problem]) -> None:
    for check in (_dates, _events, _tariff_steps, _statements, _links, _statuses, _sources, _phases, _aliases,
                  _round_outcomes):
        check(schema, tables, problems)


def _dates(schema, tables, problems) -> None:
    """Every date of the data inside its declared window; ranges not reversed."""
    start, end = schema.window_start, schema.window_end
    window_text = f"a date inside the data's window {start} to {end} (datapackage.json 'window')"
    for table in tables.values():
        dated = [f.name for f in table.resource.fields if f.type == "date"]
        for row, line in _rows(table):
            for column in dated:
                d = _d(row.get(column, ""))
                if d is not None and not (start <= d <= end) and not column.startswith("published"):
                    problems.append(Problem(table.resource.path, line, column, row[column], window_text))
            for first, last in (("start_date", "end_date"), ("date", "date_latest"), ("published", "published_latest")):
                a, b = _d(row.get(first, "")), _d(row.get(last, ""))
                if a and b and b < a:
                    problems.append(Problem(table.resource.path, line, last, row[last], f"a date on or after {first} {row[first]}"))


def _events(schema, tables, problems) -> None:
    events, links, sources = tables.get("events"), tables.get("event_sources"), tables.get("sources")
    for row, line in _rows(events):
        if row.get("date_precision") == "within" and not row.get("end_date"):
            problems.append(Problem("events.csv", line, "end_date", "", "the latest possible day, because date_precision is 'within'"))
        if row.get("date_precision") == "within" and not row.get("date_note"):
            problems.append(Problem("events.csv", line, "date_note", "",
                                    "a note saying why the exact day is not established (date_precision 'within')"))
    if events is None or links is None or sources is None:
        return
    known = {r["id"] for r in sources.rows}
    cited: dict[str, int] = defaultdict(int)
    for r in links.rows:
        if r["source_id"] in known:
            cited[r["event_id"]] += 1
    for row, line in _rows(events):
        if row["id"] and cited[row["id"]] == 0:
            problems.append(Problem("events.csv", line, "id", row["id"], "at least one existing source for the event in event_sources.csv"))


def _tariff_steps(schema, tables, problems) -> None:
    last: dict[str, tuple[date, int]] = {}
    for row, line in _rows(tables.get("tariff_steps")):
        side = row.get("imposing_side", "")
        if side and side == row.get("target_side"):
            problems.append(Problem("tariff_steps.csv", line, "target_side", row["target_side"], "the other side than imposing_side"))
        d = _d(row.get("in_force", ""))
        if d is None:
            continue
        if side in last and d < last[side][0]:
            problems.append(Problem("tariff_steps.csv", line, "in_force", row["in_force"],
                                    f"steps of {side} in date order (line {last[side][1]} is dated {last[side][0]})"))
        else:
            last[side] = (d, line)


def _statements(schema, tables, problems) -> None:
    for row, line in _rows(tables.get("statements")):
        if row.get("kind") == "quote" and row.get("source_attributes_to") and row["source_attributes_to"] != row.get("actor_id"):
            problems.append(Problem("statements.csv", line, "source_attributes_to", row["source_attributes_to"],
                                    f"the speaker {row.get('actor_id')!r}: a quote is recorded only with a source that attributes it "
                                    "to its speaker (record the other attribution as a discrepancy)"))


def _links(schema, tables, problems) -> None:
    """A link between an event and an actor or a sticking point rests on one of the event's sources,
    and never on unattributed commentary."""
    cited = {(r["event_id"], r["source_id"]) for r in (tables["event_sources"].rows if "event_sources" in tables else [])}
    for name in ("event_actors", "event_sticking_points"):
        file = f"{name}.csv"
        for row, line in _rows(tables.get(name)):
            if row.get("support") == "unattributed_commentary":
                problems.append(Problem(file, line, "support", row["support"],
                                        "a link the source reports, states officially or attributes to a named person "
                                        "(unattributed commentary is not recorded)"))
            if row.get("source_id") and (row.get("event_id"), row["source_id"]) not in cited:
                problems.append(Problem(file, line, "source_id", row["source_id"],
                                        f"one of the sources of event {row.get('event_id')!r} in event_sources.csv"))


def _statuses(schema, tables, problems) -> None:
    events = tables.get("events")
    event_day = {r["id"]: _d(r["start_date"]) for r in events.rows} if events else {}
    for row, line in _rows(tables.get("event_sticking_points")):
        status, expires = row.get("status"), row.get("expires", "")
        if status == "suspended" and not expires:
            problems.append(Problem("event_sticking_points.csv", line, "expires", "", "the day the suspension ends, because status is 'suspended'"))
        if expires and status and status != "suspended":
            problems.append(Problem("event_sticking_points.csv", line, "expires", expires, "no expiry date unless status is 'suspended'"))
        if status in ("suspended", "partly_implemented") and not row.get("remains"):
            problems.append(Problem("event_sticking_points.csv", line, "remains", "",
                                    f"what remains in force, because status is '{status}'"))
        x, ed = _d(expires), event_day.get(row.get("event_id"))
        if x and ed and x <= ed:
            problems.append(Problem("event_sticking_points.csv", line, "expires", expires, f"an expiry after the event's date {ed}"))


def _sources(schema, tables, problems) -> None:
    for row, line in _rows(tables.get("sources")):
        if row.get("published_latest") and not row.get("date_note"):
            problems.append(Problem("sources.csv", line, "date_note", "",
                                    "a note saying how the publication date was worked out (published_latest is set)"))
        identifier, kind = row.get("identifier", ""), row.get("kind", "")
        if identifier and kind in IDENTIFIER_FORMATS:
            pattern, example = IDENTIFIER_FORMATS[kind]
            if not re.fullmatch(pattern, identifier):
                problems.append(Problem("sources.csv", line, "identifier", identifier, f"an identifier of a {kind.replace('_', ' ')}: {example}"))


def _phases(schema, tables, problems) -> None:
    previous = None
    for row, line in _rows(tables.get("phases")):
        s, e = _d(row.get("start_date", "")), _d(row.get("end_date", ""))
        if s and previous and s <= previous[0]:
            problems.append(Problem("phases.csv", line, "start_date", row["start_date"],
                                    f"phases in date order without overlap (line {previous[1]} ends on {previous[0]})"))
        if e:
            previous = (e, line)


def _aliases(schema, tables, problems) -> None:
    aliases, actors = tables.get("actor_aliases"), tables.get("actors")
    if not aliases or not actors:
        return
    names = {r["name"].casefold(): r["id"] for r in actors.rows}
    seen: dict[str, tuple[str, int]] = {}
    for row, line in _rows(aliases):
        key = row["alias"].casefold()
        if key in seen and seen[key][0] != row["actor_id"]:
            problems.append(Problem("actor_aliases.csv", line, "alias", row["alias"],
                                    f"an alias naming one actor only (line {seen[key][1]} gives it to {seen[key][0]})"))
        elif key in seen:
            problems.append(Problem("actor_aliases.csv", line, "alias", row["alias"],
                                    f"each alias once (already on line {seen[key][1]}, letter case aside)"))
        seen.setdefault(key, (row["actor_id"], line))
        if key in names and names[key] != row["actor_id"]:
            problems.append(Problem("actor_aliases.csv", line, "alias", row["alias"],
                                    f"an alias that is not the name of another actor ({names[key]})"))


def _round_outcomes(schema, tables, problems) -> None:
    events = tables.get("events")
    if not events:
        return
    by_id = {r["id"]: r for r in events.rows}
    for row, line in _rows(tables.get("round_outcomes")):
        rnd, out = by_id.get(row.get("round_id")), by_id.get(row.get("event_id"))
        if rnd is not None and rnd.get("type") not in NEGOTIATION_TYPES:
            problems.append(Problem("round_outcomes.csv", line, "round_id", row["round_id"],
                                    "a talks round, leaders' call, negotiators' call or summit"))
        if rnd is not None and out is not None and _d(out["start_date"]) and _d(rnd["start_date"]) \
                and _d(out["start_date"]) < _d(rnd["start_date"]):
            problems.append(Problem("round_outcomes.csv", line, "event_id", row["event_id"],
                                    f"an outcome on or after the round's first day {rnd['start_date']}"))
