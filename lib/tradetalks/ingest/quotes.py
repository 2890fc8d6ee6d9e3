"""Statements: quoted words and reported speech, with the speaker the article names, the date they were
said, and a conflict when the record gives the same words to someone else."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .calendar import fmt

if TYPE_CHECKING:  # pragma: no cover
    from .extract import Builder, Sentence

QUOTE = re.compile(r"“(?P<a>[^”]{1,600})”|\"(?P<b>[^\"]{1,600})\"")
SPEECH = re.compile(r"\b(?:said|says|say|told|tells|added|wrote|posted|posts|stated|stating|noted|emphasi[sz]ed|indicated|"
                    r"suggested|suggesting|revealed|announced|accused|countered|described|called|characteri[sz]ing|insisted|"
                    r"warned|argued|explained|spoke of|hinted|denied|according to)\b", re.I)
BEFORE_QUOTE = re.compile(r"^\s*,?\s*(?:said|says|told [\w ]{1,40}?|added|wrote|stated|posted|declared)\s*[:,]?\s*$", re.I)
AFTER_QUOTE = re.compile(r"^[\s,.]*(?:(?:said|says|added|wrote|according to)\s+)?$", re.I)
PARAPHRASE = re.compile(r"^\s*(?:also |further |then )?(?:said|says|noted|emphasi[sz]ed|indicated|suggested|revealed|added|"
                        r"stated|warned|argued|told [\w ]{1,40}?)(?: that)?\s+(?P<rest>.+)$", re.I)
PRONOUN = re.compile(r"^(?:He|She)\b")


def _speakers(b: "Builder", s: "Sentence"):
    return [m for m in s.mentions if m.status in ("recorded", "fuzzy", "unknown", "ambiguous")]


def _speaker(b: "Builder", s: "Sentence", q: re.Match, last: str | None):
    """(actor id or None, mention, how, confidence, explicit) for a quote."""
    mentions = _speakers(b, s)
    for m in mentions:  # '..., ” Mr He told Chinese media' / '“productive,” according to Scott Bessent'
        gap = s.text[q.end():m.start]
        if m.start >= q.end() and len(gap) <= 30 and AFTER_QUOTE.match(gap) and (
                SPEECH.match(s.text[m.end:].lstrip()) or re.search(r"said|says|according to|added|wrote", gap, re.I)):
            return b.actor_of(m), m, f"named right after the quote ('{m.text}')", "high", True
    for m in mentions:  # 'Mr Bessent said: “...”'
        if m.end <= q.start() and BEFORE_QUOTE.match(s.text[m.end:q.start()]):
            return b.actor_of(m), m, f"named right before the quote ('{m.text}')", "high", True
    before = [m for m in mentions if m.end <= q.start()]
    if before and SPEECH.search(s.text):
        m = next((x for x in before if b.actor_of(x) and b.index.actors.get(b.actor_of(x), {}).get("kind") == "person"),
                 before[0])
        return b.actor_of(m), m, f"the sentence's speaker ('{m.text}')", "medium", False
    if PRONOUN.match(s.text) and last and SPEECH.search(s.text):
        return last, None, f"'{s.text.split()[0]}' taken to be {b.index.name(last)}, named in an earlier sentence", "low", False
    return None, None, "no speaker named", "low", False


def _when(b: "Builder", s: "Sentence", actor: str | None):
    """(date, date_latest, event id, reasoning) for something ``actor`` said in sentence ``s``: the date in the
    sentence, else that of the event the passage reports (this or the previous paragraph) if the speaker took part."""
    d = next((d for d in s.dates if d.resolved), None)
    context = s.event or next((x.event for x in reversed(b.sentences[:s.index - 1])
                               if x.event and x.para in (s.para, s.para - 1) and actor in x.event["actors"]), None)
    event_id = context["id"] if context else None
    if d is not None:
        return d.start_date, d.end_date, event_id, d.note
    if context and context.get("start"):
        start, end = context["start"], context.get("end")
        span = fmt(start) + (f" to {fmt(end)}" if end and end != start else "")
        return start, end if end and end != start else None, event_id, (
            f"no date in the sentence; said at {context['id']} ({span}), the event the passage reports")
    return None, None, event_id, f"no date in the sentence: said on or before publication ({fmt(b.published)}); fill the date"


def _row(b: "Builder", s: "Sentence", kind: str, text: str, actor: str | None, how: str, confidence: str, todo=None):
    date, latest, event_id, reasoning = _when(b, s, actor)
    who = b.surname(actor) if actor else "unknown"
    sid = b.unique_id("statements", f"st-{who}-{slug_words(text)}")
    fields = b.fields("statements", id=sid, date=date.isoformat() if date else None,
                      date_latest=latest.isoformat() if latest else None, actor_id=actor, event_id=event_id, kind=kind,
                      text=text, source_id=b.source_id, source_attributes_to=actor)
    return fields, reasoning, todo


def slug_words(text: str) -> str:
    stop = {"the", "a", "an", "of", "and", "to", "in", "on", "for", "with", "is", "was", "it", "that", "its", "be", "has"}
    words = [w for w in re.sub(r"[^a-z0-9]+", " ", text.lower()).split() if w not in stop]
    return "-".join(words[:3]) or "quote"


def _quote(b: "Builder", s: "Sentence", q: re.Match, last: str | None) -> bool:
    text = (q.group("a") or q.group("b") or "").strip().rstrip(",.;: ").strip()
    if not text:
        return False
    actor, mention, how, confidence, explicit = _speaker(b, s, q, last)
    recorded = b.record.match_quote(text, None)
    words = len(text.split())
    if not recorded and (words == 1 and not explicit or words <= 2 and actor is None):
        return False  # a word in quotation marks ('“truce”'), not a statement
    others = [st for st in recorded if actor and st["actor_id"] != actor]
    same = [st for st in recorded if st["actor_id"] == actor or actor is None]
    if same:  # already recorded: nothing to propose, said so in the review
        b.review.recorded_statements.append({"sentence": s.index, "text": text, "statement_id": same[0]["id"],
                                             "actor_id": same[0]["actor_id"], "source_id": same[0]["source_id"],
                                             "article_speaker": actor, "speaker_how": how})
        return True
    fields, reasoning, _todo = _row(b, s, "quote", text, actor, how, confidence)
    conflict, why = None, f"speaker: {how}"
    if mention is not None and mention.status == "ambiguous":
        why += f"; {mention.how}"
    if others:
        st = others[0]
        speaker, recorded_speaker = b.index.name(actor), b.index.name(st["actor_id"])
        conflict = {"kind": "speaker", "recorded_table": "statements", "recorded_id": st["id"],
                    "recorded_actor": st["actor_id"], "recorded_source": st["source_id"],
                    "recorded_source_attributes_to": st["source_attributes_to"],
                    "message": f"the article attributes '{text[:80]}' to {speaker}; the record's {st['id']} gives "
                               f"'{st['text']}' to {recorded_speaker} (source {st['source_id']})",
                    "topic": f"Speaker of the quote '{st['text']}'",
                    "source_says": f"Attributes '{st['text']}' to {speaker}.",
                    "record_says": f"The record attributes it to {recorded_speaker} (statement {st['id']}, source "
                                   f"{st['source_id']}, which names {b.index.name(st['source_attributes_to'])}).",
                    "handling": f"The quote stays attributed to {recorded_speaker} ({st['id']}); this article's "
                                "attribution is recorded only here."}
        confidence = "low"
    todo = "trim to the brief words worth keeping" if words > 25 else None
    if conflict:
        todo = "the record gives these words to someone else: reject this row and accept the discrepancy instead"
    p = b.add("statements", confidence, s, why=why, date_reasoning=reasoning, conflict=conflict, todo=todo, fields=fields)
    if conflict:
        b._discrepancy(s, p, conflict)
    return True


def statements(b: "Builder") -> None:
    """Propose a statement for each attributed quote and each 'X said that ...' of the article."""
    last: str | None = None
    for s in b.sentences:
        quoted = [_quote(b, s, q, last) for q in QUOTE.finditer(s.text)]
        persons = [b.actor_of(m) for m in s.mentions if b.actor_of(m)
                   and b.index.actors.get(b.actor_of(m), {}).get("kind", "person") == "person"]
        if not any(quoted):
            _paraphrase(b, s, last)
        if persons:
            last = persons[0]


def _paraphrase(b: "Builder", s: "Sentence", last: str | None) -> None:
    for m in _speakers(b, s):
        hit = PARAPHRASE.match(s.text[m.end:])
        if hit and len(s.text[m.end:]) - len(s.text[m.end:].lstrip()) <= 2:
            actor, how = b.actor_of(m), f"reported speech of '{m.text}'"
            break
    else:
        hit = PARAPHRASE.match(s.text[len(s.text.split()[0]):]) if PRONOUN.match(s.text) and last else None
        actor, how = last, f"reported speech; '{s.text.split()[0]}' taken to be {b.index.name(last) if last else '?'}"
    if not hit or not actor:
        return
    text = hit.group("rest").rstrip(". ")
    fields, reasoning, _ = _row(b, s, "paraphrase", text, actor, how, "low")
    b.add("statements", "low", s, why=how, date_reasoning=reasoning, fields=fields,
          todo="rewrite the text in our own words (a paraphrase is our summary, not the article's sentence)")
