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
RATE = re.compile(r"(?P<rate>\d+(?:\.\d+)?)\s*(?:%|per\s*cent\b|percent\b)(?!\s+of\b)", re.I)
TARIFF = re.compile(r"\b(?:tariffs?|dut(?:y|ies)|lev(?:y|ies))\b", re.I)


def _d(value) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def normal(text: str) -> str:
    """Text for comparing quotes: lower case, letters and digits only."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


@dataclass
class EventMatch:
    kind: str  # same, conflict, none
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
        self.sources_of: dict[str, list[str]] = {}
        for r in ds.event_sources.to_dict("records"):
            self.sources_of.setdefault(r["event_id"], []).append(r["source_id"])
        cities = {str(e["location"]).split(",")[0].strip() for e in self.events if isinstance(e.get("location"), str)}
        cities = {c for c in cities if c and c.lower() not in METONYMS}
        self.places = {e["id"]: self._places(e) | {c for c in cities if re.search(rf"\b{re.escape(c)}\b", e["title"] or "")}
                       for e in self.events}
        self.statements = ds.statements.to_dict("records")
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

    def match_event(self, etype: str, actors: set[str], text: str, span: tuple[date, date] | None,
                    published: date) -> EventMatch:
        """The recorded event the candidate is (same dates), contradicts (close but other dates) or may be."""
        dateless = span is None
        s, e = span or (published - timedelta(days=21), published + timedelta(days=7))
        scored = []
        for ev in self.events:
            score = 2 if ev["type"] == etype else (1 if FAMILIES.get(ev["type"]) == FAMILIES.get(etype) else 0)
            score += min(3, len(actors & self.actors_of.get(ev["id"], set())))
            if any(re.search(r"\b" + re.escape(p) + r"\b", text) for p in self.places[ev["id"]]):
                score += 2
            overlap = s <= ev["end"] and e >= ev["start"]
            delta = 0 if overlap else min(abs((s - ev["end"]).days), abs((ev["start"] - e).days))
            scored.append((score, overlap, delta, ev))
        same = sorted([t for t in scored if t[1] and t[0] >= (4 if dateless else 3)], key=lambda t: -t[0])
        possible = [t[3]["id"] for t in sorted(scored, key=lambda t: (-t[0], t[2])) if t[0] >= 2 and t[2] <= 14][:3]
        if same:
            return EventMatch("same", same[0][3], same[0][0], [p for p in possible if p != same[0][3]["id"]])
        near = sorted([t for t in scored if not dateless and t[0] >= 4 and t[2] <= 14], key=lambda t: (-t[0], t[2]))
        if near:
            return EventMatch("conflict", near[0][3], near[0][0], possible)
        return EventMatch("none", None, 0, possible)

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
        if not TARIFF.search(clause) or re.search(r"\bthreat|\bthreaten", clause, re.I):
            continue
        side = None
        if re.search(r"\bon (?:Chinese|China['’]s) (?:goods|imports|products|exports)|\bon China\b|\bimports from China\b", clause):
            side = "united_states"
        elif re.search(r"\bon (?:US|U\.S\.|American) (?:goods|imports|products|exports)\b", clause):
            side = "china"
        measure = ("fentanyl_ieepa" if re.search(r"fentanyl", clause, re.I) else
                   "reciprocal_ieepa" if re.search(r"reciprocal", clause, re.I) else None)
        for m in RATE.finditer(clause):
            near = any(abs(t.start() - m.start()) <= 60 for t in TARIFF.finditer(clause))
            if near:
                out.append({"rate": float(m.group("rate")), "side": side, "measure": measure, "clause": clause.strip()})
    return out
