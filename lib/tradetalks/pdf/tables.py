"""Column widths for long tables on paper: columns of long text get the room, while dates, header
words and ordinary words are never split."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any


def text_of(el: Any) -> str:
    """The visible text of an element, whitespace collapsed."""
    return " ".join(el.get_text(" ", strip=True).split())


_DATE_RE = re.compile(r"^\d{1,2}(?:[–-]\d{1,2})? [A-Z][a-z]+ \d{4}$")
#: Table text: 7.8pt Liberation Sans (Arial's metrics) across the 176 mm text width,
#: in em: 498.9pt / 7.8pt; each column's padding (2 x 1.6 mm) is 1.16 em.
TABLE_LINE_EM = 63.9
PADDING_EM = 1.2
#: Ids, file names and addresses (words with digits, ``/``, ``_``, ``.`` ...) break anywhere when wider than this.
LONG_WORD_EM = 5.5
_PLAIN_WORD_RE = re.compile(r"^[(\[\"'‘“]*[^\W\d_]+(?:['’][^\W\d_]+)?[)\]\"'’”,;:.!?]*$")
#: The balancing works in steps of STEP em and looks up to LOOKAHEAD steps ahead.
STEP = 0.5
LOOKAHEAD = 24
#: Weight of every wrapped line of every cell against the printed height of the rows.
WRAP_WEIGHT = 0.25
#: Advance widths of Arial / Liberation Sans (1/1000 em), ASCII 32-126.
_ARIAL = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 "
    "556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 "
    "667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 "
    "556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_ADVANCE = {chr(32 + i): int(w) / 1000 for i, w in enumerate(_ARIAL.split())}
_ADVANCE.update({"–": 0.556, "—": 1.0, "’": 0.222, "‘": 0.222, "“": 0.333, "”": 0.333, "·": 0.278, "…": 1.0})
_WIDE_RE = re.compile("[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")
_SPACE = _ADVANCE[" "]


def em_width(text: str) -> float:
    """Width of ``text`` in table type, in em (CJK characters are 1 em)."""
    return sum(_ADVANCE.get(ch, 1.0 if _WIDE_RE.match(ch) else 0.556) for ch in text)


def segments(word: str) -> tuple[float, ...]:
    """Widths (em) of the pieces a browser may break ``word`` into: after each hyphen."""
    return tuple(em_width(s) for s in re.findall(r"[^-]*-+|[^-]+$", word) if s) or (0.0,)


def wrapped_lines(words: Sequence[tuple[float, ...]], width: float) -> int:
    """Lines that words (each as its hyphen-separated pieces, in em) take in a column ``width`` em wide."""
    lines, used = 1, 0.0
    for word in words:
        for k, n in enumerate(word):
            gap = _SPACE if (k == 0 and used) else 0.0
            if used and used + gap + n <= width:
                used += gap + n
                continue
            if used:
                lines += 1
            if n > width:  # wider than the column: broken anywhere
                pieces = int(-(-n // width))
                lines += pieces - 1
                used = n - (pieces - 1) * width
            else:
                used = n
    return lines


def balance_table(table: Any) -> None:
    """Column widths that make a table short (fixed layout, in %), for tables that wrap.

    A browser's automatic layout gives each column room in proportion to its
    *longest* cell, so a column with one long value squeezes the others. Here every
    column starts at its floor (its longest word up to ``LONG_WORD_EM``, its header
    words and its dates whole), and the rest of the line goes, step by step, to the
    column where it saves the most printed lines per em. Tables whose rows all fit
    on one line keep the automatic layout.
    """
    from bs4 import Tag

    rows = [[text_of(c) for c in tr.find_all(["th", "td"])] for tr in table.find_all("tr")]
    if not rows or len({len(r) for r in rows}) != 1 or table.find(attrs={"colspan": True}):
        return  # spans or ragged rows: leave it to the browser
    for td in table.find_all("td"):
        if _DATE_RE.match(text_of(td)):
            td["class"] = (td.get("class") or []) + ["book-date"]
    ncols = len(rows[0])
    header, body = rows[0], rows[1:]
    available = TABLE_LINE_EM - PADDING_EM * ncols
    widest = [max([em_width(header[i]) * 1.1] + [em_width(r[i]) for r in body]) for i in range(ncols)]
    if not body or sum(widest) <= available:
        return  # every cell fits on one line
    words = [[tuple(segments(w) for w in cell.split()) for cell in r] for r in body]
    floors = []
    for i in range(ncols):
        # plain words stay whole; ids, file names and addresses may break
        longest = max(
            [em_width(w) if _PLAIN_WORD_RE.match(w) and not _WIDE_RE.search(w) else min(max(segments(w)), LONG_WORD_EM)
             for r in body for w in r[i].split()] or [0.5]
        )
        heads = [em_width(w) * 1.1 for w in header[i].split()]  # bold
        dates = [em_width(r[i]) for r in body if _DATE_RE.match(r[i])]
        floors.append(max([longest, *heads, *dates]) + 0.25)
    if sum(floors) >= available:
        return

    cache: dict[tuple[int, int, float], int] = {}

    def lines(r: int, c: int, w: float) -> int:
        key = (r, c, w)
        if key not in cache:
            cache[key] = wrapped_lines(words[r][c], w)
        return cache[key]

    widths = list(floors)
    nrows = len(body)
    current = [[lines(r, c, widths[c]) for c in range(ncols)] for r in range(nrows)]

    # Cost: printed lines, plus some for every line of every cell (so a column that
    # is not the tallest of its row still gets room when it helps).
    def cost(grid: list[list[int]]) -> float:
        return sum(max(row) for row in grid) + WRAP_WEIGHT * sum(sum(row) for row in grid)

    room = available - sum(widths)
    base = cost(current)
    while room >= STEP:
        best: tuple[float, int, int, list[int]] | None = None
        all_lines = sum(sum(row) for row in current)
        for c in range(ncols):
            others = [max(row[:c] + row[c + 1:], default=0) for row in current]
            rest = all_lines - sum(row[c] for row in current)
            # look ahead: a column often saves lines only some steps wider
            for k in range(1, min(int(room / STEP), LOOKAHEAD) + 1):
                new = [lines(r, c, widths[c] + k * STEP) for r in range(nrows)]
                gain = base - (sum(max(o, n) for o, n in zip(others, new)) + WRAP_WEIGHT * (rest + sum(new)))
                if gain > 1e-9 and (best is None or gain / k > best[0] + 1e-12):
                    best = (gain / k, c, k, new)
        if best is None:
            break
        _, c, k, new = best
        room -= k * STEP
        widths[c] += k * STEP
        for r in range(nrows):
            current[r][c] = new[r]
        base = cost(current)
    widths = [w + room / ncols for w in widths]  # what no column needs, shared out
    total = sum(w + PADDING_EM for w in widths)
    for old in table.find_all("colgroup"):
        old.decompose()
    colgroup = Tag(name="colgroup")
    for w in widths:
        colgroup.append(Tag(name="col", attrs={"style": f"width: {100 * (w + PADDING_EM) / total:.1f}%"}))
    (table.find("thead") or table.find("tbody") or table.find("tr")).insert_before(colgroup)
    table["class"] = (table.get("class") or []) + ["book-balanced"]


