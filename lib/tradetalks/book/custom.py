"""Custom reports: the book rebuilt for a reader's own window and focus, into a folder they name.

``tradetalks report --out DIR [--start D] [--end D] [--sticking-point ID ...] [--side SIDE] [--actor NAME ...]``
checks the request against the data first (unknown sticking point or actor, end before start, a window
with no events, a date outside the data: all reported before any notebook runs), then writes a plan
for the same templates as the main book and builds it into DIR, leaving the main book untouched.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..analysis import queries as q
from ..paths import DEFAULT_PLAN, REPO_ROOT
from .build import EXIT_PLAN, build
from ..data import DataValidationError, load_dataset

SIDES = ("united_states", "china", "third_party")


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
    title: str = ""


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
    known_points = set(ds.sticking_points["id"])
    for point in req.sticking_points:
        if point not in known_points:
            problems.append(f"unknown sticking point {point!r}; known: {', '.join(ds.sticking_points['id'])}")
    if req.side and req.side not in SIDES:
        problems.append(f"unknown side {req.side!r}; use one of {', '.join(SIDES)}")
    actor_ids = []
    for actor in req.actors:
        try:
            actor_ids.append(q.find_actor(ds, actor))
        except q.QueryError as exc:
            problems.append(str(exc))
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


def make_plan(req: Request, defaults: dict) -> dict:
    """The plan of a custom report: the main book's sections, narrowed to the request."""
    main = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    pages = []
    for page in main["pages"]:
        page = dict(page, parameters=dict(page.get("parameters") or {}))
        if page["name"] == "actors" and req.side:
            page["parameters"]["side"] = req.side
        if page["name"] == "data-and-sources":
            page["parameters"]["data_url"] = "../_static/data"
        pages.append(page)
    return {"defaults": {**main["defaults"], **defaults}, "pages": pages}


def make_report(req: Request, *, jobs: int | None = None) -> Path | int:
    """Check the request, write its plan into ``req.out`` and build the report there."""
    defaults = check_request(req)
    out = Path(req.out).resolve()
    if out == (REPO_ROOT / "book" / "_build").resolve():
        raise RequestError(["the output folder is the main book's; choose another folder"])
    out.mkdir(parents=True, exist_ok=True)
    plan_path = out / "plan.yml"
    plan_path.write_text("# Custom report plan written by `tradetalks report`.\n"
                         + yaml.safe_dump(make_plan(req, defaults), sort_keys=False, allow_unicode=True), encoding="utf-8")
    return build(plan_path, out=out, book_dir=REPO_ROOT / "book", root=REPO_ROOT, jobs=jobs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tradetalks report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="folder for the report (site in OUT/html)")
    parser.add_argument("--start", default="", help="first day, YYYY-MM-DD (default: the data's start)")
    parser.add_argument("--end", default="", help="last day, YYYY-MM-DD (default: the data's end)")
    parser.add_argument("--sticking-point", dest="sticking_points", action="append", default=[], metavar="ID",
                        help="focus on this sticking point (repeatable)")
    parser.add_argument("--side", default="", choices=("",) + SIDES, help="roster of one side only")
    parser.add_argument("--actor", dest="actors", action="append", default=[], metavar="NAME",
                        help="focus on events this actor took part in: id, name or any alias (repeatable)")
    parser.add_argument("--data", dest="data_dir", default="", help="data folder (default: the repository's data/)")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks run in parallel (default: cores)")
    parser.add_argument("--pdf", action="store_true", help="also print the report as OUT/pdf/*.pdf")
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

        out = Path(args.out).resolve()
        try:
            printed = export_pdf(out / "pdf", site=out / "html", plan_path=out / "plan.yml", build="never")
        except PdfError as exc:
            print(exc, file=sys.stderr)
            return exc.exit_code
        print(printed.path, flush=True)
    return 0
