"""Events: which sentences report one, the recorded event it is (linked: the article becomes one of its
sources) or contradicts (another date), or a new event proposed with its sources, actors and sticking points."""
from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from .calendar import fmt
from .dates import DateMention
from .names import ActorIndex, slug

if TYPE_CHECKING:  # pragma: no cover
    from .extract import Builder, Sentence

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
UNATTRIBUTED = re.compile(r"\b(?:sources familiar|analysts|experts|observers|people familiar|insiders)\b", re.IGNORECASE)
ROLES = {"leaders_call": "leader", "summit": "leader", "talks_round": "delegate", "negotiators_call": "lead_negotiator",
         "testimony": "testifier", "multilateral_meeting": "delegate", "third_party_deal": "signatory"}
STATUS_CUES = [("suspended", r"\bsuspen|\bpause|\bpostpone|\bextended\b"), ("agreed", r"\bagreed\b|\bagreement\b|\bresume"),
               ("escalated", r"\bimpos|\bthreat|\bescalat|\bretaliat|\bhalt|\brevok|\bslapped"),
               ("eased", r"\beas(?:ed|ing)\b|\brelax|\blift"), ("unresolved", r"\bunresolved\b|\bno change\b"),
               ("negotiated", r"\bdiscuss|\btalks\b|\bnegotiat|\baddress|\bfocus|\bprogress")]


#: Verbs of saying right after a name make the sentence a statement ('announced an agreement' does not).
SPEAKS = re.compile(r"^\s*(?:also |further |then |publicly )?(?:said|says|posted|accused|stated|told|wrote|"
                    r"described|noted|emphasi[sz]ed|revealed|indicated)\b|^\s*had (?:posted|said)\b", re.IGNORECASE)
FIRST = ("testimony", "leaders_call", "multilateral_meeting", "summit")


def classify(s: Sentence, index: ActorIndex) -> list[str]:
    """The event types a sentence could report, the likeliest first: a call, summit or testimony; else a
    statement when a named actor speaks ('Bessent said ...', 'in an interview'); else by keywords."""
    found = _types(s, index)
    speaks = any(SPEAKS.match(s.text[m.end:]) for m in s.mentions) or re.search(r"\binterview\b", s.text, re.IGNORECASE)
    if found and found[0] not in FIRST and speaks:
        found = ["statement"] + [t for t in found if t != "statement"]
    return found


def _types(s: Sentence, index: ActorIndex) -> list[str]:
    out: list[str] = []
    third = any(m.actor_id and index.actors.get(m.actor_id, {}).get("side") == "third_party"
                and index.actors[m.actor_id]["kind"] == "government" for m in s.mentions)
    text = re.sub(r"“[^”]*”|\"[^\"]*\"", "“…”", s.text)  # the quoted words are not the reporter's account
    for etype, pattern in TYPE_RULES:
        if re.search(pattern, text, re.IGNORECASE if etype not in ("multilateral_meeting",) else 0):
            if etype == "agreement" and third and re.search(r"\bsigned\b|\bagreements?\b|\bdeals?\b", text):
                etype = "third_party_deal"
            if etype == "summit" and "summit" not in text.lower():
                leaders = {m.actor_id for m in s.mentions if m.actor_id and "President" in
                           str(index.actors.get(m.actor_id, {}).get("post", ""))}
                if len(leaders) < 2:
                    continue
            out.append(etype)
    return out


def events(b: Builder) -> None:
    """For each sentence that reports an event: link it to the recorded event it is, or propose a new one."""
    for s in b.sentences:
        types = classify(s, b.index)
        located = any(re.search(r"\b" + re.escape(p) + r"\b", s.text) for ps in b.record.places.values() for p in ps)
        if not types or len(s.text.split()) < 5 or not (s.dates or located):
            continue
        etype, points = types[0], {p for p, _w in s.topics}
        ordered = [s.pronoun] + [b.actor_of(m) for m in s.mentions]
        actors = list(dict.fromkeys(a for a in ordered if a))  # in the order the sentence names them
        dates = [d for d in s.dates if not (etype == "statement" and d.future)]  # 'said talks would resume next week'
        when = next((d for d in dates if d.resolved), None) or next((d for d in dates if d.candidates), None)
        span = (when.start_date, when.end_date or when.start_date) if when and when.resolved else None
        reasoning = when.note if when else None
        if when is not None and not when.resolved:  # a future weekday: resolved only if the record corroborates it
            for c in when.candidates:
                hit = b.record.match_event(types, set(actors), s.text, (c, c), b.published, points)
                if hit.kind == "same" and hit.score >= 4:
                    span = (c, c)
                    reasoning = (f"{when.note}; the record has {hit.event['id']} ({hit.event['type']}) on {fmt(c)}, "
                                 f"which this sentence matches, so taken as {fmt(c)} (confirm)")
                    when.precision, when.start_date = "day", c
                    _corroborate(b, when, c, reasoning)
                    break
        if span is None and not located and when is None:
            continue  # no date and no place: too little to tie it to a recorded event
        match = b.record.match_event(types, set(actors), s.text, span, b.published, points)
        if match.kind == "same":
            _link_recorded(b, s, match, etype, actors, reasoning)
        elif match.kind == "tie":
            b.review.notes.append(f"sentence {s.index} fits the recorded {' and '.join(match.possible)} equally well: "
                                  "not linked (add the link by hand if one is right)")
        elif when is None:
            continue  # an event with no date at all is not proposed (it could not be recorded)
        elif not actors and not _location(b, s):
            label = etype.replace("_", " ")
            b.review.notes.append(f"sentence {s.index}: {'an' if label[0] in 'aeiou' else 'a'} {label} with no actor or "
                                  "place named: not proposed"
                                  + (f" (possibly the recorded {', '.join(match.possible)})" if match.possible else ""))
        else:
            _new_event(b, s, etype, actors, when, span, reasoning, match)


def _corroborate(b: Builder, when: DateMention, day: date, reasoning: str) -> None:
    """Write a future weekday the record corroborated back into the review's dates."""
    for entry in b.review.dates:
        if entry["phrase"] == when.phrase and entry["precision"] == "ambiguous" and entry["future_tense"]:
            entry.update(precision="day", start=day.isoformat(), reasoning=reasoning)


def _link_recorded(b: Builder, s: Sentence, match, etype: str, actors: list[str], reasoning: str | None) -> None:
    """The article reports a recorded event: propose only the links the record lacks."""
    ev = match.event
    s.event = {"id": ev["id"], "start": ev["start"], "end": ev["end"], "recorded": True,
               "actors": b.record.actors_of.get(ev["id"], set()) | set(actors)}
    b.review.recorded_matches.append({"sentence": s.index, "event_id": ev["id"], "date": ev["start"].isoformat(),
                                      "sources": b.record.sources_of.get(ev["id"], []),
                                      "text": s.text, "date_reasoning": reasoning})
    _links(b, s, ev["id"], etype, actors, recorded=True)


def _new_event(b: Builder, s: Sentence, etype, actors, when, span, reasoning, match) -> None:
    """Propose a new event (with a conflict when a recorded one is close on another date)."""
    names = [b.index.name(a) for a in actors if a in b.index.actors]
    location = _location(b, s)
    start = span[0].isoformat() if span else None
    end = span[1].isoformat() if span and span[1] != span[0] else None
    precision = None if not span else ("day" if span[0] == span[1] else "within")
    future = bool(span and span[0] > b.published)
    key = "-".join([slug(location, 1)] if location else [b.surname(a) for a in actors[:2]])
    eid = b.unique_id("events", "-".join(x for x in (start or "undated", key, etype.replace("_", "-")) if x))
    label = etype.replace("_", " ")
    title = f"{label.capitalize()}: {', '.join(names) or 'actors to name'}" + (f" ({location})" if location else "")
    summary = (f"{label.capitalize()} involving {', '.join(names) or 'the two sides'}"
               + (f" in {location}" if location else "") + f", as {b.source_id} reports it"
               + (" (expected at the time of writing)" if future else "") + ".")
    conflict, confidence = None, ("medium" if span and names else "low")
    if match.kind == "conflict":
        conflict = _date_conflict(b, s, match.event, when, span)
    p = b.add("events", confidence, s, why=f"{label} ({', '.join(names) or 'no recorded actor'})"
              + (f"; possibly the recorded {', '.join(match.possible)}" if match.possible and not conflict else ""),
              date_reasoning=reasoning or "no date phrase: fill start_date", conflict=conflict,
              todo="write title and summary in our own words; check the dates",
              fields=b.fields("events", id=eid, start_date=start, end_date=end, date_precision=precision,
                              status="scheduled" if future else "occurred", type=etype, title=title,
                              summary=summary, location=location,
                              date_note=f"{b.source_id}: {reasoning}" if reasoning else None))
    s.event = {"id": eid, "start": span[0] if span else None, "end": span[1] if span else None, "recorded": False,
               "actors": set(actors)}
    _links(b, s, eid, etype, actors, recorded=False)
    if conflict:
        b.discrepancy(s, p, conflict)


def _location(b: Builder, s: Sentence) -> str | None:
    """'Geneva, Switzerland' when the sentence names the city of a recorded event's location."""
    return next((e["location"] for e in b.record.events for p in b.record.places[e["id"]]
                 if isinstance(e.get("location"), str) and p == e["location"].split(",")[0]
                 and re.search(r"\b" + re.escape(p) + r"\b", s.text)), None)


def _date_conflict(b: Builder, s: Sentence, ev: dict, when: DateMention | None, span) -> dict:
    """The conflict of an event the record has on another date, ready to be a discrepancy."""
    sources = b.record.sources_of.get(ev["id"], [])
    said = f"'{when.phrase}' = {span[0]}" + (f" to {span[1]}" if span[1] != span[0] else "") if when and span else "no date"
    recorded = ev["start"].isoformat() + (f" to {ev['end']}" if ev["end"] != ev["start"] else "")
    return {"kind": "date", "needles": [ev["id"], ev["title"]],
            "recorded_table": "events", "recorded_id": ev["id"], "recorded_date": recorded,
            "recorded_sources": sources,
            "message": f"the article dates this {said}; the record has {ev['id']} ({ev['title']}) on {recorded}, "
                       f"sources {', '.join(sources) or 'none'}",
            "topic": f"Date of event {ev['id']}", "source_says": f"Dates it {said}.",
            "record_says": f"The record dates it {recorded} (event {ev['id']}; sources {', '.join(sources)}).",
            "handling": f"The record's date is kept for {ev['id']}; the article's date is not used."}


def _links(b: Builder, s: Sentence, eid: str, etype: str, actors: list[str], recorded: bool) -> None:
    """Propose the event's source, actor and sticking-point links that the record lacks."""
    if not recorded or not b.record.has("event_sources", {"event_id": eid, "source_id": b.source_id}):
        b.add("event_sources", "medium", s, why=f"the article reports {eid}",
              fields=b.fields("event_sources", event_id=eid, source_id=b.source_id))
    if UNATTRIBUTED.search(s.text) and not s.mentions:
        b.review.notes.append(f"sentence {s.index}: unattributed commentary; no actor or sticking-point link proposed")
        return
    subject = next((b.actor_of(m) for m in s.mentions if b.actor_of(m)), None)
    for actor in actors:
        if recorded and actor in b.record.actors_of.get(eid, set()):
            continue
        post = str(b.index.actors.get(actor, {}).get("post") or "")
        role = ROLES.get(etype) or ("announcer" if actor == subject else "subject")
        if etype == "talks_round" and "led the" in post:
            role = "lead_negotiator"
        b.add("event_actors", "medium" if recorded else "low", s, why=f"{b.index.name(actor)} named in the sentence",
              fields=b.fields("event_actors", event_id=eid, actor_id=actor, role=role, source_id=b.source_id,
                              support="reported"))
    linked = set(b.ds.event_sticking_points.loc[b.ds.event_sticking_points["event_id"] == eid, "sticking_point_id"])
    for point, words in s.topics:
        if point in linked:
            continue
        status = next((st for st, cue in STATUS_CUES if re.search(cue, s.text, re.IGNORECASE)), "raised")
        b.add("event_sticking_points", "low", s, why=f"'{words}' names the sticking point {point}",
              todo="check the status (and expires/remains for suspended)" if status == "suspended" else "check the status",
              fields=b.fields("event_sticking_points", event_id=eid, sticking_point_id=point, status=status,
                              source_id=b.source_id, support="reported"))
