"""Custom reports: the book rebuilt for a reader's own window and focus, into a folder they name.

``tradetalks report --out DIR [--start D] [--end D] [--sticking-point ID ...] [--side SIDE] [--actor NAME ...]``
checks the request against the data first (unknown sticking point or actor, a reversed window, a window
with no events, a date outside the data: all reported before any notebook runs, with suggestions), then
builds the report into DIR, leaving the main book untouched.

DIR must be new, empty, or a folder an earlier ``tradetalks report`` made (it holds the marker file
``.tradetalks-report``): the repository itself, ``book/`` and anything in ``book/_build`` are refused, and
so is any folder of the reader's own files.
"""
from __future__ import annotations

import argparse
import difflib
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..analysis import queries as q
from ..data import DataValidationError, as_date, load_dataset
from ..paths import BOOK_DIR, BUILD_DIR, DEFAULT_PLAN, REPO_ROOT
from .build import EXIT_PLAN, build
from .stage import BOOK_FOLDERS

SIDES = ("united_states", "china", "third_party")
#: The file that marks a folder as made by ``tradetalks report`` (so a later report may replace it).
MARKER = ".tradetalks-report"
#: Inside the report folder: the book source the report is built from (plan, config, static files).
SOURCE = "source"


class RequestError(ValueError):
    """A custom report that cannot be made; carries every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("The report request is not valid:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass
class Request:
    out: Path
    start: str = ""
    end: str = ""
    sticking_points: list[str] = field(default_factory=list)
    side: str = ""
    actors: list[str] = field(default_factory=list)  # ids, names or aliases as the reader typed them
    data_dir: str = ""


def _suggest(value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"{hint} Valid ids: {', '.join(known)}"


def check_out_dir(out: Path) -> Path:
    """The folder a report may be written to, or RequestError saying why not (nothing is touched)."""
    target = Path(out).expanduser().resolve()
    if target == REPO_ROOT or target in REPO_ROOT.parents:
        raise RequestError([f"--out {out}: that is the repository (or a folder holding it); choose a folder of its own"])
    if target == BUILD_DIR or BUILD_DIR in target.parents:
        raise RequestError([f"--out {out}: that is the main book's build folder or its published site; choose another folder"])
    if target == BOOK_DIR or BOOK_DIR in target.parents:
        raise RequestError([f"--out {out}: that is book/, the main book's source, or inside it; choose another folder"])
    if target.exists() and not target.is_dir():
        raise RequestError([f"--out {out}: that is a file, not a folder; choose a folder (new or empty)"])
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise RequestError([f"--out {out}: the folder is not empty and was not made by 'tradetalks report'; "
                            "choose a new or empty folder (nothing was changed)"])
    return target


def check_request(req: Request) -> dict:
    """Resolve and check a request against its data; return the plan defaults or raise RequestError."""
    problems: list[str] = []
    try:
        ds = load_dataset(req.data_dir or None)
    except DataValidationError as exc:
        raise RequestError([str(exc)]) from None
    try:
        s, e = q.window(ds, req.start or None, req.end or None)
    except q.QueryError as exc:
        problems.append(str(exc))
        s = e = None
    known_points = list(ds.sticking_points["id"])
    for point in req.sticking_points:
        if point not in known_points:
            problems.append(f"unknown sticking point {point!r}{_suggest(point, known_points)}")
    if req.side and req.side not in SIDES:
        problems.append(f"unknown side {req.side!r}; use one of {', '.join(SIDES)}")
    actor_ids = []
    for actor in req.actors:
        if not actor.strip():
            problems.append("--actor is empty: give an actor's id, name or any recorded spelling")
            continue
        try:
            actor_ids.append(q.find_actor(ds, actor))
        except q.QueryError as exc:
            problems.append(f"{exc}{_suggest(actor, list(ds.actors['name']))}")
    if not problems:
        events = q.events_between(ds, s, e, sticking_points=req.sticking_points or None, actors=actor_ids or None)
        if events.empty:
            focus = "".join([f", sticking points {', '.join(req.sticking_points)}" if req.sticking_points else "",
                             f", actors {', '.join(actor_ids)}" if actor_ids else ""])
            problems.append(f"no event in the window {s.date()} to {e.date()}{focus}: nothing to report")
    if problems:
        raise RequestError(problems)
    return {
        "data_dir": str(Path(req.data_dir).resolve()) if req.data_dir else "",
        "window_start": s.date().isoformat(), "window_end": e.date().isoformat(),
        "sticking_points": list(req.sticking_points), "actors": actor_ids,
    }


def report_title(defaults: dict, names: list[str]) -> str:
    """'US–China trade negotiations, 1 June to 31 August 2025: Rare earths; Soybeans' (window, then focus)."""
    s, e = (as_date(defaults[k]) for k in ("window_start", "window_end"))
    span = q.day_label(s) if s == e else (
        f"{s.day} {s:%B} to {q.day_label(e)}" if s.year == e.year else f"{q.day_label(s)} to {q.day_label(e)}")
    return f"US–China trade negotiations, {span}" + (f": {'; '.join(names)}" if names else "")


def make_plan(req: Request, defaults: dict) -> dict:
    """The plan of a custom report: the main book's sections, narrowed to the request."""
    main = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    pages = []
    for page in main["pages"]:
        page = dict(page, parameters=dict(page.get("parameters") or {}), template=str(REPO_ROOT / page["template"]))
        if page["name"] == "actors" and req.side:
            page["parameters"]["side"] = req.side
        pages.append(page)
    return {"defaults": {**(main.get("defaults") or {}), **defaults}, "pages": pages}


def _write_source(out: Path, plan: dict, title: str) -> Path:
    """The report's own book source: the main book's, with the report's title; returns its plan."""
    source = out / SOURCE
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    for folder in BOOK_FOLDERS:
        if (BOOK_DIR / folder).is_dir():
            shutil.copytree(BOOK_DIR / folder, source / folder)
    config = yaml.safe_load((BOOK_DIR / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = title
    (source / "_config.yml").write_text("# Written by `tradetalks report` from book/_config.yml.\n"
                                        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    plan_path = source / "plan.yml"
    plan_path.write_text("# Custom report plan written by `tradetalks report`.\n"
                         + yaml.safe_dump(plan, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return plan_path


def make_report(req: Request, *, jobs: int | None = None) -> Path | int:
    """Check the request and the output folder, write the report's source into it and build it there."""
    out = check_out_dir(req.out)
    defaults = check_request(req)
    ds = load_dataset(req.data_dir or None)
    names = [ds.sticking_points.set_index("id").loc[p, "name"] for p in req.sticking_points]
    names += [ds.actors.set_index("id").loc[a, "name"] for a in defaults["actors"]]
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("Made by `tradetalks report`; a later report may replace this folder's contents.\n",
                              encoding="utf-8")
    plan_path = _write_source(out, make_plan(req, defaults), report_title(defaults, names))
    return build(plan_path, out=out, root=REPO_ROOT, jobs=jobs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tradetalks report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="folder for the report, new or empty (site in OUT/html)")
    parser.add_argument("--start", default="", help="first day, YYYY-MM-DD (default: the first recorded event)")
    parser.add_argument("--end", default="", help="last day, YYYY-MM-DD (default: the last recorded event)")
    parser.add_argument("--sticking-point", dest="sticking_points", action="append", default=[], metavar="ID",
                        help="focus on this sticking point (repeatable)")
    parser.add_argument("--side", default="", choices=SIDES, help="roster of one side only")
    parser.add_argument("--actor", dest="actors", action="append", default=[], metavar="NAME",
                        help="focus on events this actor took part in: id, name or any alias (repeatable)")
    parser.add_argument("--data", dest="data_dir", default="", help="data folder (default: the repository's data/)")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks run in parallel (default: cores)")
    parser.add_argument("--pdf", action="store_true", help="also print the report as OUT/pdf/<title>.pdf")
    args = parser.parse_args(argv)
    req = Request(out=Path(args.out), start=args.start, end=args.end, sticking_points=args.sticking_points,
                  side=args.side, actors=args.actors, data_dir=args.data_dir)
    try:
        result = make_report(req, jobs=args.jobs)
    except RequestError as exc:
        print(exc, file=sys.stderr)
        return EXIT_PLAN
    if isinstance(result, int):
        return result
    if args.pdf:
        from ..pdf import PdfError, export_pdf

        out = Path(args.out).expanduser().resolve()
        try:
            printed = export_pdf(out / "pdf", site=out / "html", plan_path=out / SOURCE / "plan.yml", build="never")
        except PdfError as exc:
            print(exc, file=sys.stderr)
            return exc.exit_code
        print(printed.path, flush=True)
    return 0
