"""The article's own source row, and the short summary ``ingest`` prints."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from .article import Article
from .review import Review


def source_row(builder, article: Article, published: date, how: str) -> dict:
    """The sources row for the article: kind news_article, verified by the article file."""
    path = article.path.resolve()
    parts = path.parts
    reference = "/".join(parts[parts.index("seeds"):]) if "seeds" in parts and "shared" in parts else None
    if how == "--published":
        date_note = f"The text states no date; {published} was given with --published when the article was ingested."
        if article.stated_date is not None and article.stated_date != published:
            date_note = f"The text states {article.stated_date}; {published} was given with --published."
    else:
        date_note = f"{how[0].upper() + how[1:]} gives the date {published}."
    title = article.title
    note = None if title else "Untitled in the file; the title here is our description (write one)."
    return builder.fields("sources", id=builder.source_id, kind="news_article",
                          title=title or f"News article {article.path.name}", title_is_official=bool(title),
                          published=published.isoformat(), date_note=date_note, reference=reference,
                          verified_by=f"article file {path}", note=note)


def summary(review: Review, article: Article, out: Path) -> str:
    """A few lines: what was read, what is proposed, conflicts and unresolved dates, where the review is."""
    lines = [(f"Read {article.path} ({article.kind}, {len(article.sentences())} sentences); "
              f"published {review.published} (from {review.published_how}).")]
    sid = review.source["id"]
    lines.append(f"Source: {sid}" + (" (already recorded: its row will not be added again)." if review.source_recorded
                                     else " (new sources row proposed)."))
    counts = review.counts()
    lines.append(f"Proposed {len(review.rows)} row{'s' if len(review.rows) != 1 else ''}"
                 + (": " + ", ".join(f"{t} {n}" for t, n in counts.items()) if counts else "") + ".")
    if review.recorded_matches:
        ids = list(dict.fromkeys(m["event_id"] for m in review.recorded_matches))
        lines.append(f"Reports recorded events: {', '.join(ids)}.")
    ambiguous = [d for d in review.dates if d["precision"] == "ambiguous"]
    lines.append(f"Dates: {len(review.dates)} phrase{'s' if len(review.dates) != 1 else ''}, "
                 f"{len(review.dates) - len(ambiguous)} resolved, {len(ambiguous)} unresolved"
                 + (": " + ", ".join(f"'{d['phrase']}' (sentence {d['sentence']})" for d in ambiguous) if ambiguous else "")
                 + ".")
    undated = [p for p in review.rows if p.table in ("events", "statements")
               and not (p.fields.get("start_date") or p.fields.get("date"))]
    if undated:
        lines.append(f"Rows without a date to fill: {len(undated)}.")
    unsure = [n for n in review.names if n["status"] == "ambiguous"]
    for n in unsure:
        lines.append(f"Name not guessed: '{n['text']}' ({n['how']}).")
    conflicts = review.conflicts()
    lines.append(f"Conflicts with the record: {len(conflicts)}" + (":" if conflicts else "."))
    for p in conflicts:
        lines.append(f"  - row {review.rows.index(p) + 1} ({p.table}): {p.conflict['message']}")
    for note in review.notes:
        lines.append(f"Note: {note}.")
    lines.append(f"Review file: {out}")
    lines.append(f"Next: set each row's decision to accept or reject, then run: tradetalks ingest --apply {out}")
    return "\n".join(lines)
