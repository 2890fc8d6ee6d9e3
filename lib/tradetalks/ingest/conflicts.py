"""What the record already holds, and where an article contradicts it: the same event on another date,
the same quote from another speaker, another rate for a tariff step."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from rapidfuzz import fuzz

FAMILIES = {"talks_round": "rounds", "leaders_call": "rounds", "negotiators_call": "rounds", "summit": "rounds",
            "multilateral_meeting": "rounds", "tariff_action": "measures", "retaliation": "measures",
            "export_control": "measures", "import_restriction": "measures", "sanction": "measures",
            "visa_action": "measures", "statement": "words", "threat": "words", "testimony": "words",
            "agreement": "deals", "third_party_deal": "deals"}
METONYMS = {"washington", "beijing", "by telephone", "washington, dc"}
QUOTE_SCORE, SHORT_QUOTE = 90, 12
RATE = re.compile(r"(?P<rate>\d+(?:\.\d+)?)\s*(?:%|per\s*cent\b|percent\b)(?!\s+of\b)", re.IGNORECASE)
TARIFF = re.compile(r"\b(?:tariffs?|dut(?:y|ies)|lev(?:y|ies))\b", re.IGNORECASE)


def _d(value) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def normal(text: str) -> str:
    """Text for comparing quotes: lower case, letters and digits only."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


@dataclass
class EventMatch:
    kind: str  # same, tie (several equally), conflict, none
    event: dict | None = None
    score: float = 0
    possible: list[str] = field(default_factory=list)


class Record:
    """The loaded dataset, indexed for the look-ups ingest needs."""

    def __init__(self, ds):
        self.ds = ds
        self.events = ds.events.to_dict("records")
        for e in self.events:
            e["start"], e["end"] = _d(e["start_date"]), _d(e["end_date"]) or _d(e["start_date"])
        self.by_id = {e["id"]: e for e in self.events}
        self.actors_of: dict[str, set[str]] = {}
        for r in ds.event_actors.to_dict("records"):
            self.actors_of.setdefault(r["event_id"], set()).add(r["actor_id"])
        self.points_of: dict[str, set[str]] = {}
        for r in ds.event_sticking_points.to_dict("records"):
            self.points_of.setdefault(r["event_id"], set()).add(r["sticking_point_id"])
        self.sources_of: dict[str, list[str]] = {}
        for r in ds.event_sources.to_dict("records"):
            self.sources_of.setdefault(r["event_id"], []).append(r["source_id"])
        cities = {str(e["location"]).split(",")[0].strip() for e in self.events if isinstance(e.get("location"), str)}
        cities = {c for c in cities if c and c.lower() not in METONYMS}
        self.places = {e["id"]: self._places(e) | {c for c in cities if re.search(rf"\b{re.escape(c)}\b", e["title"] or "")}
                       for e in self.events}
        self.statements = ds.statements.to_dict("records")
        self.discrepancies = ds.discrepancies.to_dict("records")
        self.steps = ds.tariff_steps.sort_values("in_force", kind="stable").to_dict("records")
        self.keys = {r.name: self._keys(r) for r in ds.schema.resources}

    def _keys(self, resource) -> set[tuple[str, ...]]:
        frame = self.ds.table(resource.name)
        cols = list(resource.primary_key)
        if not cols:
            return set()
        return {tuple("" if pd.isna(v) else (v.date().isoformat() if isinstance(v, pd.Timestamp) else str(v)) for v in row)
                for row in frame[cols].itertuples(index=False)}

    def has(self, table: str, fields: dict) -> bool:
        """Whether a row with these primary-key values is recorded."""
        cols = list(self.ds.schema.resource(table).primary_key)
        return tuple(str(fields.get(c) or "") for c in cols) in self.keys.get(table, set())

    def ids(self, table: str) -> set[str]:
        return {k[0] for k in self.keys.get(table, set())}

    @staticmethod
    def _places(e: dict) -> set[str]:
        out = set()
        loc = e.get("location") if isinstance(e.get("location"), str) else ""
        if loc and loc.lower() not in METONYMS:
            first = loc.split(",")[0].strip()
            if first.lower() not in METONYMS:
                out.add(first)
        for m in re.finditer(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b", e.get("title") or ""):
            out.add(m.group(0))
        return out

    def match_event(self, types: list[str], actors: set[str], text: str, span: tuple[date, date] | None,
                    published: date, points: set[str] = frozenset()) -> EventMatch:
        """The recorded event the candidate is (same dates), contradicts (close but other dates) or may be.
        ``types``: the candidate's type first, then the other types its sentence could report."""
        dateless = span is None
        s, e = span or (published - timedelta(days=21), published + timedelta(days=7))
        scored = []
        for ev in self.events:
            if ev["type"] == types[0]:
                score = 2
            else:
                score = 1 if ev["type"] in types or FAMILIES.get(ev["type"]) == FAMILIES.get(types[0]) else 0
            if score == 0:
                continue  # an event of an unrelated kind is neither the same event nor contradicted
            score += min(3, len(actors & self.actors_of.get(ev["id"], set())))
            score += 1 if points & self.points_of.get(ev["id"], set()) else 0
            if any(re.search(r"\b" + re.escape(p) + r"\b", text) for p in self.places[ev["id"]]):
                score += 2
            overlap = s <= ev["end"] and e >= ev["start"]
            delta = 0 if overlap else min(abs((s - ev["end"]).days), abs((ev["start"] - e).days))
            scored.append((score, overlap, delta, ev))
        same = sorted([t for t in scored if t[1] and t[0] >= (4 if dateless else 3)], key=lambda t: -t[0])
        possible = [t[3]["id"] for t in sorted(scored, key=lambda t: (-t[0], t[2])) if t[0] >= 2 and t[2] <= 14][:3]
        if len(same) > 1 and same[0][0] == same[1][0]:  # two recorded events fit equally well: not guessed
            return EventMatch("tie", None, same[0][0], [t[3]["id"] for t in same if t[0] == same[0][0]])
        if same:
            return EventMatch("same", same[0][3], same[0][0], [p for p in possible if p != same[0][3]["id"]])
        near = sorted([t for t in scored if not dateless and t[0] >= 4 and t[2] <= 14], key=lambda t: (-t[0], t[2]))
        if near:
            return EventMatch("conflict", near[0][3], near[0][0], possible)
        return EventMatch("none", None, 0, possible)

    def known_discrepancy(self, source_id: str, needles: list[str], names: list[str] = ()) -> str | None:
        """The id of a recorded discrepancy of ``source_id`` that already covers this: it contains one of
        ``needles`` (fuzzy), or it names all of ``names`` and most words of the first needle."""
        for d in self.discrepancies:
            if d["source_id"] != source_id:
                continue
            hay = normal(" ".join(str(d.get(k) or "") for k in ("topic", "source_says", "record_says", "handling")))
            words = set(hay.split())
            for n in map(normal, needles):
                if n and (n in hay or len(n) >= SHORT_QUOTE and fuzz.partial_ratio(n, hay) >= QUOTE_SCORE):
                    return d["id"]
            key = [w for w in normal(needles[0]).split() if len(w) >= 4] if needles else []
            if names and all(normal(x) in hay for x in names) and key and 2 * sum(w in words for w in key) >= len(key):
                return d["id"]
        return None

    def match_quote(self, text: str, when: date | None) -> list[dict]:
        """Recorded quotes with the same words (fuzzy): the shorter inside the longer, partial_ratio >= 90;
        a short quote must match whole and be recorded within 30 days."""
        a = normal(text)
        hits = []
        for st in self.statements:
            if st["kind"] != "quote":
                continue
            b = normal(st["text"])
            short, long_ = sorted((a, b), key=len)
            if not short:
                continue
            if len(short) < SHORT_QUOTE:
                recorded = _d(st["date"])
                ok = fuzz.ratio(a, b) >= 95 and (when is None or recorded is None or abs((recorded - when).days) <= 30)
            else:
                ok = fuzz.partial_ratio(short, long_) >= QUOTE_SCORE
            if ok:
                hits.append(st)
        return hits

    # ------------------------------------------------------------------ tariff rates

    def rate_values(self, side: str | None, measure: str | None, span: tuple[date, date] | None) -> list[tuple[float, str]]:
        """(rate, 'rate% from DATE (step id, source)') the record has for a side and measure (or the
        headline sums when no measure is named), in force during ``span`` when one is given."""
        out = []
        for sd in ([side] if side else ["united_states", "china"]):
            steps = [st for st in self.steps if st["imposing_side"] == sd]
            series, latest = [], {}
            for st in steps:
                day = _d(st["in_force"])
                series.append((day, float(st["rate_pct"]), st["measure"],
                               f"{st['rate_pct']:g}% {st['measure']} from {day} ({st['id']}, source {st['source_id']})"))
                if st["counts_in_headline"]:
                    latest[st["measure"]] = float(st["rate_pct"])
                    total = sum(latest.values())
                    series.append((day, total, "headline", f"headline {total:g}% from {day} (after {st['id']})"))
            for i, (day, rate, m, label) in enumerate(series):
                if measure and m != measure:
                    continue
                if span is not None:
                    following = [x[0] for x in series[i + 1:] if x[2] == m and x[0] > day]
                    until = following[0] if following else date.max
                    if not (day <= span[1] and until > span[0]):
                        continue
                out.append((rate, label))
        return out


def rate_mentions(sentence: str) -> list[dict]:
    """Tariff rates in a sentence: {rate, side, measure, clause} for each figure next to a tariff word."""
    out = []
    for clause in re.split(r";|,\s*(?:while|and|but)\s|\swhile\s", sentence):
        if not TARIFF.search(clause) or re.search(r"\bthreat|\bthreaten", clause, re.IGNORECASE):
            continue
        side = None
        if re.search(r"\bon (?:Chinese|China['’]s) (?:goods|imports|products|exports)|\bon China\b|\bimports from China\b", clause):
            side = "united_states"
        elif re.search(r"\bon (?:US|U\.S\.|American) (?:goods|imports|products|exports)\b", clause):
            side = "china"
        measure = ("fentanyl_ieepa" if re.search(r"fentanyl", clause, re.IGNORECASE) else
                   "reciprocal_ieepa" if re.search(r"reciprocal", clause, re.IGNORECASE) else None)
        for m in RATE.finditer(clause):
            near = any(abs(t.start() - m.start()) <= 60 for t in TARIFF.finditer(clause))
            if near:
                out.append({"rate": float(m.group("rate")), "side": side, "measure": measure, "clause": clause.strip()})
    return out
