"""Names in a sentence matched to the record's actors (names, native names, aliases; fuzzy matching with
rapidfuzz for misspellings), unknown people proposed as new actors, and topics matched to sticking points."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz

#: A fuzzy match needs this score (token_sort_ratio, 0-100) and this margin over another actor's best score.
THRESHOLD, MARGIN, NEAR = 85.0, 5.0, 70.0
TITLE_WORDS = {"mr", "mrs", "ms", "dr", "president", "vice", "premier", "vice-premier", "secretary", "minister", "prime",
               "representative", "ambassador", "governor", "senator", "sen", "rep", "chairman", "chair", "director",
               "spokesperson", "spokesman", "spokeswoman", "chancellor", "commissioner", "envoy", "chief", "deputy",
               "treasury", "commerce", "trade", "foreign", "finance", "state", "general", "us", "u.s", "chinese",
               "american", "china's", "negotiator", "presidents", "counsellor", "adviser", "advisor", "economic",
               "national", "lead", "top", "senior", "former", "then", "federal", "reserve", "agriculture"}
PERSON_TITLE = re.compile(r"\b(?:vice[ -]premier|premier|president|secretary|minister|representative|ambassador|governor|"
                          r"senator|spokes(?:person|man|woman)|chairman|director|negotiator|envoy|mr|ms|mrs|dr|chancellor|"
                          r"commissioner|adviser|advisor|head of)\b\.?\s*$", re.IGNORECASE)
SPEECH_AFTER = re.compile(r"^\s*(?:,[^,]{0,80},\s*)?(?:said|says|told|added|noted|stated|wrote|argued|warned|explained|"
                          r"insisted|announced|posted|confirmed|denied)\b")
NOT_PERSON = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
              "china", "states", "united", "washington", "beijing", "house", "white", "council", "institute", "ministry",
              "department", "social", "truth", "office", "commission", "committee", "congress", "court", "agency",
              "bureau", "party", "korea", "south", "north", "kuala", "lumpur", "geneva", "london", "palace", "street",
              "asean", "rcep", "apec", "bank", "group", "news", "media", "the", "a", "an", "and", "but", "this", "that",
              "after", "while", "as", "in", "on", "he", "she", "they", "his", "her", "its", "it", "both", "asia", "europe",
              "america", "american", "chinese", "economic", "national", "trade", "tariff", "tariffs", "talks", "summit"}
_TOKEN = r"(?:[A-Z][a-z]+(?:-[A-Z]?[a-z]+)*(?:['’][A-Z][a-z]+)?|[A-Z]{2,}|U\.S\.)"  # 'O’Brien' yes, 'Bessent’s' no
NAME_SEQUENCE = re.compile(rf"(?<![\w-]){_TOKEN}(?:\s+{_TOKEN}){{0,4}}")
#: Words for the sticking points beyond their names (the names' own words are used too).
TOPIC_WORDS = {
    "rare-earths": ["rare earth", "rare-earth", "critical mineral", "magnet"],
    "soybeans": ["soybean", "soya", "farm goods", "farm purchases", "agricultural purchases"],
    "fentanyl-tariff": ["fentanyl"],
    "tariff-levels": ["reciprocal tariff", "reciprocal dut", "tariff truce", "reduce tariffs", "tariff reduction",
                      "tariff cuts", "reduction in tariffs", "tariffs on chinese goods", "tariffs on us goods",
                      "tariffs on u.s. goods", "tariffs on american goods", "100 per cent tariff", "100% tariff"],
    "chip-export-controls": ["chip", "microchip", "semiconductor", "chip design", "eda software",
                             "us export controls", "u.s. controls on exports", "controls on exports to china"],
    "entity-list": ["entity list", "affiliates rule"],
    "port-fees": ["port fee", "port fees", "fees on chinese ships", "fees on vessels"],
    "student-visas": ["student visa", "visas"],
    "tiktok": ["tiktok"],
    "intellectual-property": ["intellectual property"],
    "trade-imbalance": ["trade imbalance", "trade deficit"],
}


def slug(text: str, words: int = 4) -> str:
    """'Scott Bessent' -> 'scott-bessent' (the first ``words`` words, a-z0-9 only)."""
    parts = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    return "-".join(parts[:words]) or "x"


@dataclass
class Mention:
    """One name in a sentence and what it was matched to. ``status``: recorded (a name or alias of the
    record), fuzzy (a new spelling of a recorded actor), ambiguous (close to several: not guessed),
    unknown (a person not in the record)."""
    text: str
    start: int
    end: int
    status: str
    actor_id: str | None = None
    score: float | None = None
    how: str = ""
    candidates: list[str] = field(default_factory=list)
    matched_surface: str | None = None
    title: str | None = None


class ActorIndex:
    """The record's actors and their spellings, for exact and fuzzy look-up."""

    def __init__(self, actors: pd.DataFrame, aliases: pd.DataFrame):
        self.actors = {r["id"]: r for r in actors.to_dict("records")}
        self.surfaces: list[tuple[str, str, str]] = []  # (spelling, actor_id, where from)
        for a in self.actors.values():
            self.surfaces.append((a["name"], a["id"], "name"))
            if isinstance(a.get("name_native"), str) and a["name_native"]:
                self.surfaces.append((a["name_native"], a["id"], "native name"))
        for r in aliases.to_dict("records"):
            self.surfaces.append((r["alias"], r["actor_id"], f"alias ({r['kind']})"))
        self.known_spellings = {s.casefold() for s, _a, _w in self.surfaces}
        self.persons = {i for i, a in self.actors.items() if a["kind"] == "person"}
        self.surnames: dict[str, set[str]] = {}
        for i in self.persons:  # Chinese names put the family name first
            parts = self.actors[i]["name"].split()
            self.surnames.setdefault(parts[0] if self.actors[i]["side"] == "china" else parts[-1], set()).add(i)
        ordered = sorted(self.surfaces, key=lambda s: -len(s[0]))
        self._exact = [(re.compile(r"(?<![\w-])" + re.escape(s) + r"(?![\w-])", 0 if " " not in s else re.IGNORECASE), s, a, w)
                       for s, a, w in ordered]

    def name(self, actor_id: str) -> str:
        return self.actors[actor_id]["name"] if actor_id in self.actors else actor_id

    def _fuzzy(self, core: str) -> list[tuple[float, str, str]]:
        """(best score, actor_id, spelling) per person actor, best first."""
        single = " " not in core
        best: dict[str, tuple[float, str]] = {}
        for spelling, actor_id, _where in self.surfaces:
            if actor_id not in self.persons:
                continue
            bare = " ".join(w for w in spelling.split() if w.lower().strip(".") not in TITLE_WORDS) or spelling
            if single != (" " not in bare):
                continue
            score = fuzz.token_sort_ratio(core, bare)
            if score > best.get(actor_id, (-1, ""))[0]:
                best[actor_id] = (score, bare)
        if single:
            for surname, ids in self.surnames.items():
                for actor_id in ids:
                    score = fuzz.ratio(core, surname)
                    if score > best.get(actor_id, (-1, ""))[0]:
                        best[actor_id] = (score, surname)
        return sorted(((s, a, sp) for a, (s, sp) in best.items()), reverse=True)

    def find(self, sentence: str) -> list[Mention]:
        """Every actor name in ``sentence``: recorded spellings first, then fuzzy and unknown names."""
        found: list[Mention] = []
        for pattern, spelling, actor_id, where in self._exact:
            for m in pattern.finditer(sentence):
                if any(m.start() < f.end and m.end() > f.start for f in found):
                    continue
                found.append(Mention(m.group(0), m.start(), m.end(), "recorded", actor_id, 100.0,
                                     f"the record's {where} '{spelling}'", matched_surface=spelling))
        for m in NAME_SEQUENCE.finditer(sentence):
            inside = [f for f in found if m.start() < f.end and m.end() > f.start]
            mention = self._classify(sentence, m)
            if mention is None:
                continue
            covers = [f for f in inside if f.start <= mention.start and f.end >= mention.end]
            if covers:
                continue  # a recorded spelling already names all of it ('Vice Premier He Lifeng')
            if inside and mention.status not in ("fuzzy", "ambiguous"):
                continue  # 'Greer' inside an unknown longer name: keep the recorded match
            found = [f for f in found if f not in inside] + [mention]
        return sorted(found, key=lambda x: x.start)

    def _classify(self, sentence: str, m: re.Match) -> Mention | None:
        words = m.group(0).split()
        lead = []
        while words and words[0].lower().rstrip(".") in TITLE_WORDS:
            lead.append(words.pop(0))
        if not words:
            return None
        core = " ".join(words)
        start = m.start() + m.group(0).index(core)
        titled = bool(PERSON_TITLE.search((sentence[:m.start()] + " ".join(lead)).rstrip()))
        speaks = bool(SPEECH_AFTER.match(sentence[m.end():]))
        if len(words) == 1 and (len(core) < 4 or core.isupper()) and not titled:
            return None
        known = [(sp, a, w) for sp, a, w in self.surfaces if sp.casefold() == core.casefold()]
        if known:
            sp, a, w = known[0]
            return Mention(core, start, start + len(core), "recorded", a, 100.0, f"the record's {w} '{sp}'", matched_surface=sp)
        scores = self._fuzzy(core)
        good = [s for s in scores if s[0] >= THRESHOLD]
        title = " ".join(lead) or None
        if good and (len(good) == 1 or good[0][0] - good[1][0] >= MARGIN):
            score, actor_id, spelling = good[0]
            runner = f"; runner-up {self.name(scores[1][1])} {scores[1][0]:.0f}" if len(scores) > 1 else ""
            return Mention(core, start, start + len(core), "fuzzy", actor_id, round(score, 1),
                           f"fuzzy match: '{core}' ~ '{spelling}' ({self.name(actor_id)}), score {score:.1f}{runner}",
                           matched_surface=spelling, title=title)
        if good:
            close = [a for s, a, _sp in good if good[0][0] - s < MARGIN]
            return Mention(core, start, start + len(core), "ambiguous", None, round(good[0][0], 1),
                           "close to " + " and ".join(f"{self.name(a)} ({s:.0f})" for s, a, _sp in good if a in close)
                           + ": not guessed", candidates=close, title=title)
        person_like = (titled or speaks) and 2 <= len(words) <= 3 and all(
            w.lower() not in NOT_PERSON and w[0].isupper() and not w.isupper() for w in words)
        if not person_like:
            return None
        near = [f"{self.name(a)} ({s:.0f})" for s, a, _sp in scores if s >= NEAR]
        how = "not in the record" + (f"; resembles {', '.join(near)} below the match threshold" if near else "")
        return Mention(core, start, start + len(core), "unknown", None, None, how, title=title)


def side_hint(sentence: str, start: int) -> str | None:
    """The side a new person is probably on, from the words just before the name."""
    before = sentence[max(0, start - 60):start]
    if re.search(r"\b(?:Chinese|China['’]s|Beijing['’]s|Beijing)\b", before):
        return "china"
    if re.search(r"\b(?:US|U\.S\.|American|Washington['’]s|White House)\b", before):
        return "united_states"
    return None


def topic_patterns(points: pd.DataFrame) -> list[tuple[str, re.Pattern]]:
    """(sticking point id, pattern) from each point's name and the words above."""
    out = []
    for r in points.to_dict("records"):
        words = set(TOPIC_WORDS.get(r["id"], []))
        name = re.sub(r"\(.*?\)", "", r["name"]).lower()
        for part in re.split(r"\band\b|,", name):
            part = part.strip()
            if part and len(part) > 3:
                words.add(part.rstrip("s"))
        alternatives = "|".join(re.escape(w).replace(r"\ ", r"[\s-]+") for w in sorted(words, key=len, reverse=True))
        out.append((r["id"], re.compile(rf"\b(?:{alternatives})(?:s|es)?\b", re.IGNORECASE)))
    return out


def find_topics(patterns: list[tuple[str, re.Pattern]], sentence: str) -> list[tuple[str, str]]:
    """(sticking point id, the words that matched) for each sticking point the sentence touches."""
    hits = []
    plain = re.sub(r"[“”\"]", "", sentence)  # 'steep “reciprocal” tariffs'
    for point_id, pattern in patterns:
        m = pattern.search(plain)
        if m:
            hits.append((point_id, m.group(0)))
    ids = {h[0] for h in hits}
    if "fentanyl-tariff" in ids:  # the fentanyl tariff is not the reciprocal tariff level
        hits = [h for h in hits if not (h[0] == "tariff-levels" and "reciprocal" not in h[1].lower())]
    return hits
