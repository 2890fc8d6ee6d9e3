"""From an article's sentences to proposed rows: new actors and aliases, events (or links to the
recorded event the article reports), their actors, sources and sticking points; statements come from
:mod:`.quotes`, contradictions from :mod:`.conflicts`."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import quotes
from .article import Article
from .calendar import fmt
from .conflicts import Record, rate_mentions
from .dates import DateMention, find_dates
from .names import ActorIndex, Mention, find_topics, side_hint, topic_patterns
from .review import Proposal, Review, sha256

TYPE_RULES = [
    ("testimony", r"\btestif(?:y|ied|ies|ying)\b|\btestimony\b"),
    ("leaders_call", r"\b(?:phone|telephone) (?:call|conversation)s?\b|\bspoke by (?:phone|telephone)\b|\bheld a call\b"),
    ("multilateral_meeting", r"\bsummit\b.*\b(?:ASEAN|Asean|RCEP|APEC|G20|G7|Regional Comprehensive)\b|\b(?:ASEAN|Asean|RCEP|APEC|G20|G7)\b.*\bsummit\b"),
    ("summit", r"\bsummit\b|\bmeeting\b[^.]*\bbetween\b|\b(?:will|to) meet\b"),
    ("talks_round", r"\b(?:talks|negotiations|discussions)\b|\bround of\b|\bnegotiators\b"),
    ("court_ruling", r"\bcourt\b[^.]*\b(?:rul|struck|decid|block)"),
    ("retaliation", r"\bretaliat|\bcountermeasure|\bcounter-tariff"),
    ("export_control", r"\bexport controls?\b|\bentity list\b|\bexport ban\b|\bhalt(?:ed|ing)? (?:the )?sales?\b"),
    ("visa_action", r"\bvisas?\b"),
    ("tariff_action", r"\b(?:impos|rais|increas|hik|cut|reduc|lower|halv|lift)\w*\b[^.]{0,60}\btariffs?\b"),
    ("threat", r"\bthreat(?:en)?"),
    ("agreement", r"\bagreement\b|\bagreed\b|\bdeal\b|\btruce\b|\bconsensus\b|\bframework\b|\bsigned\b"),
    ("statement", r"\b(?:said|says|announced|posted|accused|stated|told|wrote|interview|remarks|denied|countered)\b"),
]
ROLES = {"leaders_call": "leader", "summit": "leader", "talks_round": "delegate", "negotiators_call": "lead_negotiator",
         "testimony": "testifier", "multilateral_meeting": "delegate", "third_party_deal": "signatory"}
STATUS_CUES = [("suspended", r"\bsuspen|\bpause|\bpostpone|\bextended\b"), ("agreed", r"\bagreed\b|\bagreement\b|\bresume"),
               ("escalated", r"\bimpos|\bthreat|\bescalat|\bretaliat|\bhalt|\brevok|\bslapped"),
               ("eased", r"\beas(?:ed|ing)\b|\brelax|\blift"), ("unresolved", r"\bunresolved\b|\bno change\b"),
               ("negotiated", r"\bdiscuss|\btalks\b|\bnegotiat|\baddress|\bfocus|\bprogress")]
UNATTRIBUTED = re.compile(r"\b(?:sources familiar|analysts|experts|observers|people familiar|insiders)\b", re.I)


def slug(text: str, words: int = 4) -> str:
    parts = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    return "-".join(parts[:words]) or "x"


@dataclass
class Sentence:
    index: int
    para: int
    text: str
    dates: list[DateMention]
    mentions: list[Mention]
    topics: list[tuple[str, str]]
    event: dict | None = None
    links: dict = field(default_factory=dict)


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
        anchor = None
        for i, (para, text) in enumerate(self.article.sentences()):
            found = find_dates(text, self.published, anchor)
            for d in found:
                if d.precision == "day":
                    anchor = d.start_date
            self.sentences.append(Sentence(i + 1, para, text, found, self.index.find(text),
                                           find_topics(self.topic_patterns, text)))
            for d in found:
                self.review.dates.append({"sentence": i + 1, "phrase": d.phrase, "precision": d.precision,
                                          "start": d.start_date.isoformat() if d.start_date else None,
                                          "end": d.end_date.isoformat() if d.end_date else None,
                                          "future_tense": d.future, "reasoning": d.note, "text": text})

    def names(self) -> None:
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
                                    post=m.title, note=f"Named in {self.source_id}."))

    def events(self) -> None:
        for s in self.sentences:
            etype = classify(s, self.index)
            located = any(re.search(r"\b" + re.escape(p) + r"\b", s.text) for ps in self.record.places.values() for p in ps)
            if etype is None or len(s.text.split()) < 5 or not (s.dates or located):
                continue
            actors = {a for a in (self.actor_of(m) for m in s.mentions) if a}
            when = next((d for d in s.dates if d.resolved), None) or next((d for d in s.dates if d.candidates), None)
            span = (when.start_date, when.end_date or when.start_date) if when and when.resolved else None
            reasoning = when.note if when else None
            if when is not None and not when.resolved:  # a future weekday: resolved only if the record corroborates it
                for c in when.candidates:
                    hit = self.record.match_event(etype, actors, s.text, (c, c), self.published)
                    if hit.kind == "same" and hit.score >= 4:
                        span = (c, c)
                        reasoning = (f"{when.note}; the record has {hit.event['id']} ({hit.event['type']}) on {fmt(c)}, "
                                     f"which this sentence matches, so taken as {fmt(c)} (confirm)")
                        when.precision, when.start_date = "day", c
                        self._corroborate(when, c, reasoning)
                        break
            match = self.record.match_event(etype, actors, s.text, span, self.published)
            if match.kind == "same":
                self._link_recorded(s, match, etype, actors, reasoning)
            elif when is not None:  # an event with no date at all is not proposed (it could not be recorded)
                self._new_event(s, etype, actors, when, span, reasoning, match)

    def _corroborate(self, when: DateMention, day: date, reasoning: str) -> None:
        for entry in self.review.dates:
            if entry["phrase"] == when.phrase and entry["precision"] == "ambiguous" and entry["future_tense"]:
                entry.update(precision="day", start=day.isoformat(), reasoning=reasoning)

    def _link_recorded(self, s: Sentence, match, etype: str, actors: set[str], reasoning: str | None) -> None:
        ev = match.event
        s.event = {"id": ev["id"], "start": ev["start"], "end": ev["end"], "recorded": True,
                   "actors": self.record.actors_of.get(ev["id"], set()) | actors}
        self.review.recorded_matches.append({"sentence": s.index, "event_id": ev["id"], "date": ev["start"].isoformat(),
                                             "sources": self.record.sources_of.get(ev["id"], []),
                                             "text": s.text, "date_reasoning": reasoning})
        self._links(s, ev["id"], etype, actors, recorded=True)

    def _new_event(self, s: Sentence, etype, actors, when, span, reasoning, match) -> None:
        names = [self.index.name(a) for a in actors if a in self.index.actors]
        location = next((e["location"] for e in self.record.events for p in self.record.places[e["id"]]
                         if isinstance(e.get("location"), str) and p == e["location"].split(",")[0]
                         and re.search(r"\b" + re.escape(p) + r"\b", s.text)), None)
        start = span[0].isoformat() if span else None
        end = span[1].isoformat() if span and span[1] != span[0] else None
        precision = None if not span else ("day" if span[0] == span[1] else "within")
        future = any(d.future for d in s.dates) or bool(re.search(r"\bwill\b|\bis expected to\b", s.text))
        key = "-".join(self.surname(a) for a in sorted(actors)[:2]) or slug(etype, 2)
        eid = self.unique_id("events", f"{start or 'undated'}-{slug(location or '', 1) + '-' if location else ''}{key}-"
                                       f"{etype.replace('_', '-')}")
        label = etype.replace("_", " ")
        title = f"{label.capitalize()}: {', '.join(names) or 'actors to name'}" + (f" ({location})" if location else "")
        summary = (f"{label.capitalize()} involving {', '.join(names) or 'the two sides'}"
                   + (f" in {location}" if location else "") + f", as {self.source_id} reports it"
                   + (" (expected at the time of writing)" if future else "") + ".")
        conflict, confidence = None, ("medium" if span and names else "low")
        if match.kind == "conflict":
            conflict = self._date_conflict(s, match.event, when, span)
        p = self.add("events", confidence, s, why=f"{label} ({', '.join(names) or 'no recorded actor'})"
                     + (f"; possibly the recorded {', '.join(match.possible)}" if match.possible and not conflict else ""),
                     date_reasoning=reasoning or "no date phrase: fill start_date", conflict=conflict,
                     todo="write title and summary in our own words; check the dates",
                     fields=self.fields("events", id=eid, start_date=start, end_date=end, date_precision=precision,
                                        status="scheduled" if future else "occurred", type=etype, title=title,
                                        summary=summary, location=location,
                                        date_note=f"{self.source_id}: {reasoning}" if reasoning else None))
        s.event = {"id": eid, "start": span[0] if span else None, "end": span[1] if span else None, "recorded": False,
                   "actors": set(actors)}
        self._links(s, eid, etype, actors, recorded=False)
        if conflict:
            self._discrepancy(s, p, conflict)

    def _date_conflict(self, s: Sentence, ev: dict, when: DateMention | None, span) -> dict:
        sources = self.record.sources_of.get(ev["id"], [])
        said = f"'{when.phrase}' = {span[0]}" + (f" to {span[1]}" if span[1] != span[0] else "") if when and span else "no date"
        recorded = ev["start"].isoformat() + (f" to {ev['end']}" if ev["end"] != ev["start"] else "")
        return {"kind": "date", "recorded_table": "events", "recorded_id": ev["id"], "recorded_date": recorded,
                "recorded_sources": sources,
                "message": f"the article dates this {said}; the record has {ev['id']} ({ev['title']}) on {recorded}, "
                           f"sources {', '.join(sources) or 'none'}",
                "topic": f"Date of {ev['title']}", "source_says": f"Dates it {said}.",
                "record_says": f"The record dates it {recorded} (event {ev['id']}; sources {', '.join(sources)}).",
                "handling": f"The record's date is kept for {ev['id']}; the article's date is not used."}

    def _discrepancy(self, s: Sentence | None, row: Proposal | None, c: dict) -> None:
        did = self.unique_id("discrepancies", f"d-{self.source_id}-{slug(c['topic'], 5)}")
        where = f"records the conflict of row {self.review.rows.index(row) + 1}" if row else "records the conflict below"
        self.add("discrepancies", "high", s, why=where, conflict=None if row else c,
                 todo="edit source_says / record_says / handling to our wording",
                 fields=self.fields("discrepancies", id=did, source_id=self.source_id, topic=c["topic"],
                                    source_says=c["source_says"], record_says=c["record_says"], handling=c["handling"]))

    def _links(self, s: Sentence, eid: str, etype: str, actors: set[str], recorded: bool) -> None:
        if not recorded or not self.record.has("event_sources", {"event_id": eid, "source_id": self.source_id}):
            self.add("event_sources", "medium", s, why=f"the article reports {eid}",
                     fields=self.fields("event_sources", event_id=eid, source_id=self.source_id))
        if UNATTRIBUTED.search(s.text) and not s.mentions:
            self.review.notes.append(f"sentence {s.index}: unattributed commentary; no actor or sticking-point link proposed")
            return
        subject = next((self.actor_of(m) for m in s.mentions if self.actor_of(m)), None)
        for actor in sorted(actors):
            row = {"event_id": eid, "actor_id": actor}
            if recorded and actor in self.record.actors_of.get(eid, set()):
                continue
            post = str(self.index.actors.get(actor, {}).get("post") or "")
            role = ROLES.get(etype) or ("announcer" if actor == subject else "subject")
            if etype == "talks_round" and "led the" in post:
                role = "lead_negotiator"
            self.add("event_actors", "medium" if recorded else "low", s, why=f"{self.index.name(actor)} named in the sentence",
                     fields=self.fields("event_actors", **row, role=role, source_id=self.source_id, support="reported"))
        linked = set(self.ds.event_sticking_points.loc[self.ds.event_sticking_points["event_id"] == eid, "sticking_point_id"])
        for point, words in s.topics:
            if point in linked:
                continue
            status = next((st for st, cue in STATUS_CUES if re.search(cue, s.text, re.I)), "raised")
            self.add("event_sticking_points", "low", s, why=f"'{words}' names the sticking point {point}",
                     todo="check the status (and expires/remains for suspended)" if status == "suspended" else "check the status",
                     fields=self.fields("event_sticking_points", event_id=eid, sticking_point_id=point, status=status,
                                        source_id=self.source_id, support="reported"))

    def rates(self) -> None:
        for s in self.sentences:
            span = next(((d.start_date, d.end_date or d.start_date) for d in s.dates if d.resolved), None)
            for r in rate_mentions(s.text):
                values = self.record.rate_values(r["side"], r["measure"], span)
                if not values or any(abs(v - r["rate"]) < 0.01 for v, _label in values):
                    continue
                side = {"united_states": "US", "china": "Chinese", None: "a"}[r["side"]]
                what = f"{side} {r['measure'] or 'tariff'}"
                labels = "; ".join(dict.fromkeys(label for _v, label in values))
                c = {"kind": "rate", "recorded_table": "tariff_steps",
                     "message": f"the article gives {what} at {r['rate']:g}%; the record has {labels}",
                     "topic": f"Rate of the {what}", "source_says": f"Gives the {what} as {r['rate']:g}%.",
                     "record_says": f"The record's steps: {labels}.",
                     "handling": "The recorded rates are kept; the article's figure is not used."}
                self._discrepancy(s, None, c)

    def build(self) -> Review:
        self.scan()
        self.names()
        self.events()
        quotes.statements(self)
        self.rates()
        return self.review


def classify(s: Sentence, index: ActorIndex) -> str | None:
    """The event type a sentence reports, from its words and the actors it names."""
    third = any(m.actor_id and index.actors.get(m.actor_id, {}).get("side") == "third_party"
                and index.actors[m.actor_id]["kind"] == "government" for m in s.mentions)
    text = re.sub(r"“[^”]*”|\"[^\"]*\"", "“…”", s.text)  # the quoted words are not the reporter's account
    for etype, pattern in TYPE_RULES:
        if re.search(pattern, text, re.I if etype not in ("multilateral_meeting",) else 0):
            if etype == "agreement" and third and re.search(r"\bsigned\b|\bagreements?\b|\bdeals?\b", text):
                return "third_party_deal"
            if etype == "summit" and "summit" not in text.lower():
                leaders = {m.actor_id for m in s.mentions if m.actor_id and "President" in
                           str(index.actors.get(m.actor_id, {}).get("post", ""))}
                if len(leaders) < 2:
                    continue
            return etype
    return None
