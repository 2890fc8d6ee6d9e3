"""The ``tradetalks ingest`` command.

  tradetalks ingest ARTICLE [--published DATE] [--source-id ID] [--out REVIEW.yaml] [--data DIR]
  tradetalks ingest --apply REVIEW.yaml [--data DIR]

The first writes a review file of proposed rows (it never edits the data folder); the second adds the
rows marked accept, validated, all or nothing. Bad input ends with a one-line message and exit 2;
data that would not validate with exit 1.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import date
from pathlib import Path

import yaml

from ..data import DataValidationError, load_dataset
from ..paths import resolve_data_dir
from .errors import IngestError

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage block
        raise IngestError(f"{message} (see 'tradetalks ingest --help')")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="tradetalks ingest", description="Turn a news article into proposed rows to review, or apply a "
                "reviewed file to the data folder.", formatter_class=argparse.RawDescriptionHelpFormatter,
                epilog="Example:\n  tradetalks ingest article.txt --published 2025-06-06\n"
                       "  (edit article.review.yaml: decision accept/reject)\n  tradetalks ingest --apply article.review.yaml")
    p.add_argument("article", nargs="?", help="the article: a plain-text or HTML file (UTF-8)")
    p.add_argument("--apply", metavar="REVIEW", help="add the accepted rows of a review file to the data folder")
    p.add_argument("--published", metavar="DATE", help="publication date YYYY-MM-DD (needed when the text states none)")
    p.add_argument("--source-id", metavar="ID", help="id of the article's row in sources.csv (default: generated)")
    p.add_argument("--out", metavar="REVIEW", help="review file to write (default: next to the article, .review.yaml)")
    p.add_argument("--data", metavar="DIR", help="data folder (default: the repository's data/)")
    return p


def _published(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError
        return date.fromisoformat(value.strip())
    except ValueError:
        raise IngestError(f"bad --published date {value!r}: expected a calendar date YYYY-MM-DD") from None


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _out_path(args, article: Path, data_dir: Path) -> Path:
    out = Path(args.out) if args.out else article.with_name(article.stem + ".review.yaml")
    if not args.out and not article.parent.stat().st_mode & 0o222:
        raise IngestError(f"the article's folder {article.parent} is read-only; give --out REVIEW.yaml elsewhere")
    if _inside(out, data_dir):
        raise IngestError(f"the review file {out} would be inside the data folder {data_dir}; give --out elsewhere")
    if out.is_dir():
        raise IngestError(f"--out {out} is a folder; give a file name")
    if out.exists():
        try:
            old = yaml.safe_load(out.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            old = None
        if not isinstance(old, dict) or "ingest_review" not in old:
            raise IngestError(f"{out} exists and is not a review file; choose another --out")
        if any(isinstance(r, dict) and r.get("decision") != "pending" for r in old.get("rows") or []):
            raise IngestError(f"{out} already holds review decisions; move it or choose another --out")
    return out


def ingest(args) -> int:
    from .article import read_article
    from .extract import Builder
    from .names import slug
    from .report import source_row, summary
    from .review import write_review

    data_dir = resolve_data_dir(args.data)
    given = _published(args.published)
    if args.source_id is not None and not ID_PATTERN.match(args.source_id):
        raise IngestError(f"bad --source-id {args.source_id!r}: expected lower-case letters, digits and hyphens")
    article = read_article(args.article)
    if given is not None:
        published, how = given, "--published"
    elif article.stated_date is not None:
        published, how = article.stated_date, article.stated_how or "the text"
    else:
        raise IngestError(f"{article.path} states no publication date: give it with --published YYYY-MM-DD")
    if not (data_dir / "datapackage.json").is_file():
        raise IngestError(f"not a data folder (no datapackage.json): {data_dir}")
    out = _out_path(args, article.path, data_dir)
    try:
        ds = load_dataset(data_dir)
    except DataValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    known = set(ds.sources["id"])
    source_id = args.source_id or next(i for i in (f"news-{published}-{slug(article.title or article.path.stem, 4)}"
                                                   + (f"-{n}" if n else "") for n in range(100)) if i not in known)
    builder = Builder(article, ds, published, how, source_id, data_dir)
    builder.review.source, builder.review.source_recorded = source_row(builder, article, published, how), source_id in known
    if given is not None and article.stated_date not in (None, given):
        builder.review.notes.append(f"the text states {article.stated_date} ({article.stated_how}); --published {given} was used")
    start, end = ds.schema.window_start, ds.schema.window_end
    if not start <= published <= end:
        builder.review.notes.append(f"the article's date {published} is outside the data's window {start} to {end}: "
                                    "rows dated there will not validate until window.end in datapackage.json moves")
    review = builder.build()
    write_review(review, out)
    print(summary(review, article, out))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``tradetalks ingest`` with ``argv`` (default: the command line); returns the exit status."""
    args_list = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parser().parse_args(args_list)
        if args.apply and args.article:
            raise IngestError("give either an ARTICLE or --apply REVIEW, not both")
        if args.apply:
            extra = [o for o, v in (("--published", args.published), ("--source-id", args.source_id),
                                    ("--out", args.out)) if v is not None]
            if extra:
                raise IngestError(f"{', '.join(extra)} apply to reading an article, not to --apply")
            from .apply import apply_review
            return apply_review(Path(args.apply), resolve_data_dir(args.data))
        if not args.article:
            raise IngestError("give an ARTICLE to read, or --apply REVIEW (see 'tradetalks ingest --help')")
        return ingest(args)
    except IngestError as exc:
        print(f"tradetalks ingest: error: {exc}", file=sys.stderr)
        return exc.status
    except BrokenPipeError:  # the reader of the summary left ('... | head'): nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"tradetalks ingest: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
