"""From an article's sentences to proposed rows: new actors and aliases, events (or links to the
recorded event the article reports), their actors, sources and sticking points; statements come from
:mod:`.quotes`, contradictions from :mod:`.conflicts`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import events, quotes
from .article import Article
from .conflicts import Record, rate_mentions
from .dates import DateMention, find_dates
from .names import ActorIndex, Mention, find_topics, side_hint, slug, topic_patterns
from .review import Proposal, Review, sha256


@dataclass
class Sentence:
    index: int
    para: int
    text: str
    dates: list[DateMention]
    mentions: list[Mention]
    topics: list[tuple[str, str]]
    event: dict | None = None
    pronoun: str | None = None


class Builder:
    """Builds the :class:`Review` of one article against one dataset."""

    def __init__(self, article: Article, ds, published: date, published_how: str, source_id: str, data_dir: Path):
        self.article, self.ds, self.published, self.source_id = article, ds, published, source_id
        self.record, self.index = Record(ds), ActorIndex(ds.actors, ds.actor_aliases)
        self.topic_patterns = topic_patterns(ds.sticking_points)
        self.review = Review(article.path, sha256(article.path), published, published_how, {}, False, data_dir)
        self.used: dict[str, set[str]] = {}
        self.new_actor_ids: dict[str, str] = {}
        self.sentences: list[Sentence] = []
        self.last_event: dict[str, dict] = {}

    # ------------------------------------------------------------------ helpers

    def fields(self, table: str, **values) -> dict:
        """A row of ``table`` with every column of its schema in order (None where unknown)."""
        return {f.name: values.get(f.name) for f in self.ds.schema.resource(table).fields}

    def unique_id(self, table: str, wanted: str) -> str:
        taken = self.record.ids(table) | self.used.setdefault(table, set())
        wanted = re.sub(r"-+", "-", wanted).strip("-")[:70].rstrip("-")
        out, n = wanted, 2
        while out in taken:
            out, n = f"{wanted}-{n}", n + 1
        self.used[table].add(out)
        return out

    def add(self, table: str, confidence: str, sentence: Sentence | None, **kw) -> Proposal:
        p = Proposal(table=table, confidence=confidence, sentence=sentence.text if sentence else None, **kw)
        self.review.rows.append(p)
        return p

    def actor_of(self, m: Mention) -> str | None:
        return m.actor_id or self.new_actor_ids.get(m.text)

    def surname(self, actor_id: str) -> str:
        name = self.index.name(actor_id) if actor_id in self.index.actors else actor_id
        side = self.index.actors.get(actor_id, {}).get("side")
        parts = name.split()
        return slug(parts[0] if side == "china" and len(parts) > 1 else parts[-1], 1)

    # ------------------------------------------------------------------ steps

    def scan(self) -> None:
        """Dates, names and topics of every sentence; each date phrase goes to the review with its reasoning."""
        anchor, last_person = None, None
        for i, (para, text) in enumerate(self.article.sentences()):
            found = find_dates(text, self.published, anchor)
            for d in found:
                if d.precision == "day":
                    anchor = d.start_date
            s = Sentence(i + 1, para, text, found, self.index.find(text), find_topics(self.topic_patterns, text))
            if re.match(r"(?:He|She)\b", text):
                s.pronoun = last_person
            persons = [m.actor_id for m in s.mentions if m.actor_id in self.index.persons]
            last_person = persons[0] if persons else last_person
            self.sentences.append(s)
            for d in found:
                self.review.dates.append({"sentence": i + 1, "phrase": d.phrase, "precision": d.precision,
                                          "start": d.start_date.isoformat() if d.start_date else None,
                                          "end": d.end_date.isoformat() if d.end_date else None,
                                          "future_tense": d.future, "reasoning": d.note, "text": text})

    def names(self) -> None:
        """Every name once in the review; a new spelling becomes an alias row, an unknown person an actor row."""
        seen: set[tuple[str, str]] = set()
        for s in self.sentences:
            for m in s.mentions:
                if (m.text, m.status) in seen:
                    continue
                seen.add((m.text, m.status))
                self.review.names.append({"text": m.text, "status": m.status, "actor_id": m.actor_id,
                                          "candidates": m.candidates or None, "how": m.how, "sentence": s.index})
                if m.status == "fuzzy" and m.text.casefold() not in self.index.known_spellings:
                    self._alias(s, m)
                elif m.status == "unknown" and m.text not in self.new_actor_ids:
                    self._new_actor(s, m)

    def _alias(self, s: Sentence, m: Mention) -> None:
        self.index.known_spellings.add(m.text.casefold())
        kind = "misspelling" if (m.score or 0) < 100 else ("short_form" if " " not in m.text else "variant")
        note = f"Seen in {self.source_id}; {m.how}." if kind == "misspelling" else f"Seen in {self.source_id}."
        self.add("actor_aliases", "high" if (m.score or 0) >= 92 else "medium", s, why=m.how,
                 fields=self.fields("actor_aliases", alias=m.text, actor_id=m.actor_id, kind=kind,
                                    source_id=self.source_id, note=note))

    def _new_actor(self, s: Sentence, m: Mention) -> None:
        actor_id = self.unique_id("actors", slug(m.text, 3))
        self.new_actor_ids[m.text] = actor_id
        self.add("actors", "low", s, why=f"a person named near a title or a speech verb; {m.how}",
                 todo="check the person, their side and post before accepting",
                 fields=self.fields("actors", id=actor_id, name=m.text, side=side_hint(s.text, m.start), kind="person",
                                    post=re.sub(r"^(?:Chinese|US|U\.S\.|American)\s+", "", m.title or "") or None,
                                    note=f"Named in {self.source_id}."))

    def discrepancy(self, s: Sentence | None, row: Proposal | None, c: dict) -> None:
        """Propose the discrepancies row that records conflict ``c`` (of proposal ``row``, if any), unless the
        record already has one for this source."""
        known = self.record.known_discrepancy(self.source_id, c.pop("needles", []), c.pop("names", []))
        if known:
            c["recorded_discrepancy"] = known
            c["message"] += f"; already recorded as discrepancy {known}"
            if row is None:
                self.review.notes.append(f"{c['message']} (no new row proposed)")
            return
        did = self.unique_id("discrepancies", f"d-{self.source_id}-{c['kind']}-{quotes.slug_words(c['topic'].split(' ', 2)[-1])}")
        where = f"records the conflict of row {self.review.rows.index(row) + 1}" if row else "records the conflict below"
        self.add("discrepancies", "high", s, why=where, conflict=None if row else c,
                 todo="edit source_says / record_says / handling to our wording",
                 fields=self.fields("discrepancies", id=did, source_id=self.source_id, topic=c["topic"],
                                    source_says=c["source_says"], record_says=c["record_says"], handling=c["handling"]))

    def rates(self) -> None:
        """Flag each tariff rate the article gives that no recorded step of that side and measure has."""
        for s in self.sentences:
            span = next(((d.start_date, d.end_date or d.start_date) for d in s.dates if d.resolved), None)
            for r in rate_mentions(s.text):
                values = self.record.rate_values(r["side"], r["measure"], span)
                if not values or any(abs(v - r["rate"]) < 0.01 for v, _label in values):
                    continue
                side = {"united_states": "US", "china": "Chinese", None: "a"}[r["side"]]
                what = f"{side} {r['measure'] or 'tariff'}"
                labels = "; ".join(dict.fromkeys(label for _v, label in values))
                c = {"kind": "rate", "needles": [f"{r['rate']:g} per cent", f"{r['rate']:g} percent"],
                     "recorded_table": "tariff_steps",
                     "message": f"the article gives {what} at {r['rate']:g}%; the record has {labels}",
                     "topic": f"Rate of the {what}", "source_says": f"Gives the {what} as {r['rate']:g}%.",
                     "record_says": f"The record's steps: {labels}.",
                     "handling": "The recorded rates are kept; the article's figure is not used."}
                self.discrepancy(s, None, c)

    def build(self) -> Review:
        self.scan()
        self.names()
        events.events(self)
        quotes.statements(self)
        self.rates()
        return self.review


