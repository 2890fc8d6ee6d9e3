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
                    r"warned|argued|explained|spoke of|hinted|denied|according to)\b", re.IGNORECASE)
BEFORE_QUOTE = re.compile(r"^\s*,?\s*(?:said|says|told [\w ]{1,40}?|added|wrote|stated|posted|declared)\s*[:,]?\s*$", re.IGNORECASE)
AFTER_QUOTE = re.compile(r"^[\s,.]*(?:(?:said|says|added|wrote|according to)\s+)?$", re.IGNORECASE)
PARAPHRASE = re.compile(r"^\s*(?:also |further |then )?(?:said|says|noted|emphasi[sz]ed|indicated|suggested|revealed|added|"
                        r"stated|warned|argued|told [\w ]{1,40}?)(?: that)?\s+(?P<rest>.+)$", re.IGNORECASE)


def _speakers(b: Builder, s: Sentence):
    """The names in the sentence that can be a speaker (known, new or ambiguous)."""
    return [m for m in s.mentions if m.status in ("recorded", "fuzzy", "unknown", "ambiguous")]


def _speaker(b: Builder, s: Sentence, q: re.Match):
    """(actor id or None, mention, how, confidence, explicit) for a quote."""
    mentions = _speakers(b, s)
    for m in mentions:  # '..., ” Mr He told Chinese media' / '“productive,” according to Scott Bessent'
        gap = s.text[q.end():m.start]
        if m.start >= q.end() and len(gap) <= 30 and AFTER_QUOTE.match(gap) and (
                SPEECH.match(s.text[m.end:].lstrip()) or re.search(r"said|says|according to|added|wrote", gap, re.IGNORECASE)):
            return b.actor_of(m), m, f"named right after the quote ('{m.text}')", "high", True
    for m in mentions:  # 'Mr Bessent said: “...”'
        if m.end <= q.start() and BEFORE_QUOTE.match(s.text[m.end:q.start()]):
            return b.actor_of(m), m, f"named right before the quote ('{m.text}')", "high", True
    before = [m for m in mentions if m.end <= q.start()]
    if before and SPEECH.search(s.text):
        m = next((x for x in before if b.actor_of(x) and b.index.actors.get(b.actor_of(x), {}).get("kind") == "person"),
                 before[0])
        return b.actor_of(m), m, f"the sentence's speaker ('{m.text}')", "medium", False
    if s.pronoun and SPEECH.search(s.text):
        return s.pronoun, None, f"'{s.text.split()[0]}' taken to be {b.index.name(s.pronoun)}, named before", "low", False
    return None, None, "no speaker named", "low", False


def _when(b: Builder, s: Sentence, actor: str | None):
    """(date, date_latest, event id, reasoning) for something ``actor`` said in sentence ``s``: the (past) date
    in the sentence, else the dates of the event of this sentence or of the last one the speaker took part in."""
    d = next((d for d in s.dates if d.resolved and not d.future and d.start_date <= b.published), None)
    context = s.event or b.last_event.get(actor)
    event_id = context["id"] if context else None
    if d is not None:
        return d.start_date, d.end_date, event_id, d.note
    if context and context.get("start") and context["start"] > b.published:
        return None, None, event_id, (f"no date in the sentence; said before {context['id']} (the article was published "
                                      f"{fmt(b.published)}, before the event): fill the date")
    if context and context.get("start"):
        start, end = context["start"], context.get("end")
        span = fmt(start) + (f" to {fmt(end)}" if end and end != start else "")
        return start, end if end and end != start else None, event_id, (
            f"no date in the sentence; said at {context['id']} ({span}), the event the passage reports")
    return None, None, event_id, f"no date in the sentence: said on or before publication ({fmt(b.published)}); fill the date"


def _row(b: Builder, s: Sentence, kind: str, text: str, actor: str | None) -> tuple[dict, str]:
    """The statements row (all columns) and the reasoning behind its date."""
    date, latest, event_id, reasoning = _when(b, s, actor)
    who = b.surname(actor) if actor else "unknown"
    sid = b.unique_id("statements", f"st-{who}-{slug_words(text)}")
    fields = b.fields("statements", id=sid, date=date.isoformat() if date else None,
                      date_latest=latest.isoformat() if latest else None, actor_id=actor, event_id=event_id, kind=kind,
                      text=text, source_id=b.source_id, source_attributes_to=actor)
    return fields, reasoning


def slug_words(text: str) -> str:
    stop = {"the", "a", "an", "of", "and", "to", "in", "on", "for", "with", "is", "was", "it", "that", "its", "be", "has"}
    words = [w for w in re.sub(r"[^a-z0-9]+", " ", text.lower()).split() if w not in stop]
    return "-".join(words[:3]) or "quote"


def _quote(b: Builder, s: Sentence, q: re.Match) -> bool:
    text = (q.group("a") or q.group("b") or "").strip().rstrip(",.;: ").strip()
    if not text:
        return False
    actor, mention, how, confidence, explicit = _speaker(b, s, q)
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
    fields, reasoning = _row(b, s, "quote", text, actor)
    conflict, why = None, f"speaker: {how}"
    if mention is not None and mention.status == "ambiguous":
        why += f"; {mention.how}"
    if others:
        st = others[0]
        speaker, recorded_speaker = b.index.name(actor), b.index.name(st["actor_id"])
        conflict = {"kind": "speaker", "needles": [st["text"]], "names": [speaker, recorded_speaker],
                    "recorded_table": "statements", "recorded_id": st["id"],
                    "recorded_actor": st["actor_id"], "recorded_source": st["source_id"],
                    "recorded_source_attributes_to": st["source_attributes_to"],
                    "message": f"the article gives the words '{st['text']}' to {speaker}; the record's {st['id']} gives "
                               f"them to {recorded_speaker} (source {st['source_id']})",
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
        b.discrepancy(s, p, conflict)
        if conflict.get("recorded_discrepancy"):
            p.todo = f"the record gives these words to someone else and has the discrepancy ({conflict['recorded_discrepancy']}): reject this row"
    return True


def statements(b: Builder) -> None:
    """Propose a statement for each attributed quote and each 'X said that ...' of the article."""
    b.last_event = {}  # actor -> the last event before this sentence that they took part in
    for s in b.sentences:
        quoted = [_quote(b, s, q) for q in QUOTE.finditer(s.text)]
        if not any(quoted):
            _paraphrase(b, s)
        if s.event:
            b.last_event.update(dict.fromkeys(s.event["actors"], s.event))


def _paraphrase(b: Builder, s: Sentence) -> None:
    hit, actor, how = None, None, ""
    for m in _speakers(b, s):
        after = s.text[m.end:]
        according = re.match(r"^,[^,]{0,80}?,\s*(?P<rest>.+)$|^,\s*(?P<rest2>.+)$", after)
        if re.search(r"\baccording to\s*$", s.text[:m.start], re.IGNORECASE) and according and s.text[:m.start].strip().lower() == "according to":
            text = (according.group("rest") or according.group("rest2") or "").rstrip(". ")
            actor, how, hit = b.actor_of(m), f"attributed with 'according to {m.text}'", text
            break
        said = PARAPHRASE.match(after)
        if said and len(after) - len(after.lstrip()) <= 2:
            actor, how, hit = b.actor_of(m), f"reported speech of '{m.text}'", said.group("rest")
            break
    else:
        said = PARAPHRASE.match(s.text[len(s.text.split()[0]):]) if s.pronoun else None
        if said:
            actor, hit = s.pronoun, said.group("rest")
            how = f"reported speech; '{s.text.split()[0]}' taken to be {b.index.name(s.pronoun)}"
    if not hit or not actor:
        return
    text = hit.rstrip(". ")
    fields, reasoning = _row(b, s, "paraphrase", text, actor)
    b.add("statements", "low", s, why=how, date_reasoning=reasoning, fields=fields,
          todo="rewrite the text in our own words (a paraphrase is our summary, not the article's sentence)")
