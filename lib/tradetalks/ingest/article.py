"""Reading an article: plain text or HTML (text extracted with BeautifulSoup; scripts, styles and
hidden parts dropped, nothing executed), its title, the date it states, and its sentences."""
from __future__ import annotations

import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .errors import IngestError

MAX_BYTES = 2 * 1024 * 1024
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "head",
             "form", "button", "nav", "footer", "aside")
BLOCK_TAGS = ("p", "div", "section", "article", "header", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
              "blockquote", "pre", "table", "tr", "td", "th", "figure", "figcaption", "br", "hr", "dd", "dt")
META_DATES = ("article:published_time", "datepublished", "date", "pubdate", "publishdate", "dc.date", "dc.date.issued",
              "og:published_time", "sailthru.date")
#: A date stated at the very start of the text: 'date 2025-05-30', 'Published: June 5, 2025', '5 June 2025 -'.
STATED = re.compile(
    r"^\s*(?:(?:date|dated|published|posted|updated|first published)\s*(?:on)?\s*[:\-–]?\s*)?"
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?"
    r"(?P<date>(?:19|20)\d\d-[01]\d-[0-3]\d|[A-Z][a-z]{2,8}\.? [0-3]?\d(?:st|nd|rd|th)?,? (?:19|20)\d\d"
    r"|[0-3]?\d(?:st|nd|rd|th)? [A-Z][a-z]{2,8}\.? (?:19|20)\d\d)\b\s*[-–—|:,.]?\s*", re.IGNORECASE)
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "sen", "rep", "gov", "no", "vs", "inc", "co", "corp",
                 "ltd", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k",
                 "d.c", "a.m", "p.m", "e.g", "i.e", "u.n", "e.u", "prof", "lt", "col", "capt", "approx"}
OPEN_QUOTE, CLOSE_QUOTE = "“", "”"  # ‘ ’ are apostrophes as often as quotes
NEXT_START = re.compile(r"\s+[“‘\"(]?[A-Z0-9]")
LAST_WORD = re.compile(r"([A-Za-z.]{1,12})$")
MAX_SENTENCES = 3000


@dataclass
class Article:
    """The article as read: ``paragraphs`` are lists of sentences (the dateline removed)."""
    path: Path
    kind: str  # text or html
    title: str | None
    stated_date: date | None
    stated_how: str | None
    paragraphs: list[list[str]] = field(default_factory=list)

    def sentences(self) -> list[tuple[int, str]]:
        """(paragraph index, sentence) for every sentence in order."""
        return [(i, s) for i, para in enumerate(self.paragraphs) for s in para]


def _read_bytes(path: Path) -> bytes:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise IngestError(f"article not found: {path}") from None
    except OSError as exc:
        raise IngestError(f"cannot read the article {path}: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise IngestError(f"{path} is a folder, not an article file")
    if not stat.S_ISREG(info.st_mode):
        raise IngestError(f"{path} is not a regular file (a FIFO, socket or device)")
    if info.st_size > MAX_BYTES:
        raise IngestError(f"{path} is {info.st_size} bytes; an article is expected to be under {MAX_BYTES // 1024 // 1024} MB")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read the article {path}: {exc.strerror}") from None


def _decode(data: bytes, path: Path) -> str:
    if b"\x00" in data:
        raise IngestError(f"{path} is not a text file (it contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise IngestError(f"{path} is not UTF-8 text (byte {exc.start}, line {line}); save it as UTF-8") from None
    return text.removeprefix("\ufeff")


def _looks_like_html(text: str, path: Path) -> bool:
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        return True
    head = text.lstrip()[:2000].lower()
    return head.startswith("<") and bool(re.search(r"<(?:!doctype html|html|body|p|div|article)\b", head))


def _from_html(text: str) -> tuple[str, str | None, str | None]:
    """(text, title, stated date string) of an HTML page; markup is parsed, never run."""
    from bs4 import BeautifulSoup, Comment, MarkupResemblesLocatorWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(text, "html.parser")
    stated = None
    for meta in soup.find_all("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in META_DATES and meta.get("content"):
            stated = stated or str(meta["content"])
    time_tag = soup.find("time", attrs={"datetime": True})
    if stated is None and time_tag is not None:
        stated = str(time_tag["datetime"])
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    h1 = soup.find("h1")
    if h1 is not None:
        title = h1.get_text(" ", strip=True) or title
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for tag in soup.find_all(list(DROP_TAGS)):
        tag.decompose()
    for tag in soup.find_all(lambda t: t.has_attr("hidden") or t.get("aria-hidden") == "true"
                             or "display:none" in (t.get("style") or "").replace(" ", "").lower()):
        tag.decompose()
    for tag in soup.find_all(list(BLOCK_TAGS)):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    return soup.get_text(""), title, stated


def _stated_date(value: str) -> date | None:
    m = re.search(r"(?:19|20)\d\d-[01]\d-[0-3]\d", value)
    if m:
        try:
            return date.fromisoformat(m.group(0))
        except ValueError:
            return None
    import dateparser

    parsed = dateparser.parse(value, languages=["en"], settings={"REQUIRE_PARTS": ["day", "month", "year"]})
    return parsed.date() if parsed else None


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph: never split inside quotation marks nor after an abbreviation ('U.S.', 'Mr.')."""
    out, start, depth, straight = [], 0, 0, False
    i = 0
    while i < len(paragraph):
        ch = paragraph[i]
        if ch == OPEN_QUOTE:
            depth += 1
        elif ch == CLOSE_QUOTE:
            depth = max(0, depth - 1)
            nxt = NEXT_START.match(paragraph, i + 1)
            if depth == 0 and i > 0 and paragraph[i - 1] in ".!?" and nxt:
                out.append(paragraph[start:i + 1].strip())
                start = i + 1
        elif ch == '"':
            straight = not straight
        elif ch in ".!?" and depth == 0 and not straight:
            j = i + 1
            while j < len(paragraph) and paragraph[j] in "”’\"')":
                j += 1
            word = LAST_WORD.search(paragraph[max(start, i - 12):i])
            nxt = NEXT_START.match(paragraph, j)
            abbreviation = ch == "." and word and (word.group(1).lower() in ABBREVIATIONS or len(word.group(1)) == 1)
            if nxt and not abbreviation:
                out.append(paragraph[start:j].strip())
                start = j
        i += 1
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def _paragraphs(chunk: str) -> list[str]:
    """Paragraphs of a blank-line separated chunk: a line ending a sentence, or a short heading line,
    ends a paragraph; hard-wrapped lines are joined."""
    out, current = [], []
    for line in chunk.split("\n"):
        line = re.sub(r"[ \t]+", " ", line).strip()
        if not line:
            continue
        current.append(line)
        if re.search(r"[.!?][”\"’')]*$", line) or (len(line) <= 80 and not re.search(r"[,;]$", line)):
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return out


def read_article(path: str | os.PathLike) -> Article:
    """Read and split an article; raises :class:`IngestError` with a one-line reason when it cannot."""
    path = Path(path)
    text = _decode(_read_bytes(path), path)
    kind, title, stated_raw, how = "text", None, None, None
    if _looks_like_html(text, path):
        kind = "html"
        text, title, stated_raw = _from_html(text)
        how = "the page's publication-date metadata" if stated_raw else None
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    blocks = [b for chunk in re.split(r"\n\s*\n", text) for b in _paragraphs(chunk)]
    if not blocks:
        raise IngestError(f"{path} has no text to read")
    stated = _stated_date(stated_raw) if stated_raw else None
    for i, block in enumerate(blocks[:3]):  # 'date 2025-05-30 ...' opening the text, or a line holding only a date
        m = STATED.match(block)
        if m and (i == 0 or m.end() >= len(block)):
            when = _stated_date(m.group("date"))
            if when is not None:
                if stated is None:
                    stated, how = when, f"the text's {'first' if i == 0 else 'opening'} line: '{m.group(0).strip()}'"
                blocks[i] = block[m.end():].strip()
                break
    blocks = [b for b in blocks if b]
    first = blocks[0] if blocks else ""
    if title is None and first and len(first) <= 150 and not re.search(r"[.!?:”\"]$", first) and len(blocks) > 1:
        title = first
    paragraphs = []
    for i, block in enumerate(blocks):
        if title and block == title and (i == 0 or paragraphs == []):
            continue
        if len(block.split()) <= 2 and not re.search(r"[.!?]$", block):
            continue  # 'Tags', 'Related posts', page residue
        paragraphs.append(split_sentences(block))
    if not any(paragraphs):
        raise IngestError(f"{path} has no sentences to read")
    count = sum(len(p) for p in paragraphs)
    if count > MAX_SENTENCES:
        raise IngestError(f"{path} has {count} sentences; an article is expected to have at most {MAX_SENTENCES}")
    return Article(path=path, kind=kind, title=title, stated_date=stated, stated_how=how, paragraphs=paragraphs)
