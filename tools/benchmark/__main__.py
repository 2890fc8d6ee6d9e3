"""``python -m tools.benchmark [--quick] [--factors 10,100,1000] [--out DIR] [--skip-jb]`` (``make benchmark``)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from tradetalks.paths import DEFAULT_PLAN, REPO_ROOT

from .runs import BuildRun, child_build, run_build, run_jupyter_book, stage_for_jupyter_book
from .weights import KB, PAGE_LIMIT, over_limit, page_weights

TARGETS = {"jb": 0.30, "noop_seconds": 3.0}


def say(*lines: str) -> None:
    print("\n".join(lines), flush=True)


def table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [headers] + [["—" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def seconds(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f} s"


def load_line() -> str:
    one, five, _ = os.getloadavg()
    cores = os.cpu_count() or 1
    busy = " (busy machine: timings inflated)" if five > 0.5 * cores else ""
    return f"{cores} cores, load {one:.2f} (1 min) {five:.2f} (5 min){busy}"


def where_time_goes(run: BuildRun) -> list[str]:
    st = run.stats
    workers = st.get("workers", [])
    pages = [p for p in st.get("pages", []) if not p.get("cached")]
    kernel = sum(w["kernel_start_seconds"] for w in workers)
    imports = sum(w["imports_seconds"] for w in workers)
    page_total = sum(p["seconds"] for p in pages)
    render = sum(p.get("render_seconds", 0.0) for p in pages)
    return [
        f"  kernel start     {kernel:6.1f} s  ({len(workers)} kernel(s), started once each)",
        f"  imports          {imports:6.1f} s  (altair, pandas, vl-convert, tradetalks: once per kernel)",
        f"  pages            {page_total:6.1f} s  ({len(pages)} pages on {len(workers)} workers; "
        f"wall {st.get('execute_seconds', 0):.1f} s)",
        f"    of which chart images {render:5.1f} s",
        f"  Jupyter Book     {st.get('book_seconds', 0):6.1f} s",
        f"  whole build      {st.get('total_seconds', 0):6.1f} s",
    ]


def weight_report(label: str, out: Path) -> tuple[list[str], int, list[str]]:
    rows = page_weights(out)
    heaviest = max((max(r["html"], r["notebook"]) for r in rows), default=0)
    lines = [f"Page weight, {label} (KB; beyond the shared chart bundle):",
             table(["page", "HTML", "notebook", "chart specs", "chart images", "tables"],
                   [[r["page"], f"{r['html'] / KB:.0f}", f"{r['notebook'] / KB:.0f}", f"{r['chart_specs'] / KB:.0f}",
                     f"{r['chart_images'] / KB:.0f}", f"{r['tables'] / KB:.0f}"] for r in rows])]
    return lines, heaviest, over_limit(rows)


def scaled_plan(work: Path, factor: int) -> Path:
    from tools.synthetic import generate

    data = generate(work / f"data-x{factor}", factor)
    plan = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    plan["defaults"] = {**(plan.get("defaults") or {}), "data_dir": str(data)}
    path = work / f"plan-x{factor}.yml"
    path.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    return path


def benchmark(args, work: Path) -> dict[str, Any]:
    logs, results = work / "logs", {}
    say(f"Build benchmark of {DEFAULT_PLAN.relative_to(REPO_ROOT)} — {load_line()}", f"work folder: {work}")
    clean = run_build("clean", DEFAULT_PLAN, work / "clean", force=True, timeout=args.timeout, jobs=args.jobs, logs=logs)
    if not clean.ok:
        say(f"clean build FAILED: {clean.error}")
        return {"clean": clean.__dict__}
    noop = run_build("noop", DEFAULT_PLAN, work / "clean", force=False, timeout=args.timeout, jobs=args.jobs, logs=logs)
    say("", f"clean build (every page executed)   {seconds(clean.seconds)}", *where_time_goes(clean),
        f"no-op rebuild (nothing changed)     {seconds(noop.seconds)}  "
        f"(target under {TARGETS['noop_seconds']:.0f} s: {'met' if noop.ok and noop.seconds < TARGETS['noop_seconds'] else 'NOT met'})")
    results.update(clean=clean.__dict__, noop=noop.__dict__)
    if not args.skip_jb:
        modes = ["force"] if args.quick else ["force", "cache"]
        for mode in modes:
            source = stage_for_jupyter_book(work / f"jb-{mode}", work / "clean" / "notebooks", DEFAULT_PLAN, mode)
            runs = [run_jupyter_book(f"jb-{mode}", source, timeout=args.timeout, logs=logs)]
            if mode == "cache":
                runs.append(run_jupyter_book("jb-cache-warm", source, timeout=args.timeout, logs=logs))
            for run in runs:
                say(f"Jupyter Book {run.label[3:]:<12}             {seconds(run.seconds)}  "
                    f"({len(run.executed)} notebooks executed{'' if run.ok else '; FAILED: ' + str(run.error)})")
                results[run.label] = run.__dict__
            if mode == "force" and runs[0].ok:
                ratio = clean.seconds / runs[0].seconds
                say(f"clean ÷ JB force = {ratio:.2f}   (target at most {TARGETS['jb']:.2f}: "
                    f"{'met' if ratio <= TARGETS['jb'] else 'NOT met'})")
                results["ratio_jb_force"] = ratio
    lines, heaviest, over = weight_report("curated data (1x)", work / "clean")
    say("", *lines)
    results["weight_1x"] = heaviest
    for factor in args.factors:
        run = run_build(f"x{factor}", scaled_plan(work, factor), work / f"x{factor}", force=True,
                        timeout=args.timeout, jobs=args.jobs, logs=logs)
        if not run.ok:
            say("", f"{factor}x data: build FAILED: {run.error}")
            continue
        lines, heaviest, over = weight_report(f"{factor}x data", work / f"x{factor}")
        say("", f"{factor}x data: clean build {seconds(run.seconds)} ({run.seconds / clean.seconds:.2f} x the 1x build); "
            f"heaviest page {heaviest / KB:.0f} KB (target under {PAGE_LIMIT // KB} KB: "
            f"{'met' if not over else 'NOT met: ' + ', '.join(over)})", *(lines if factor == 10 else []))
        results[f"x{factor}"] = {"seconds": run.seconds, "heaviest": heaviest, "over": over}
    return results


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child-build"]:
        return child_build(json.loads(argv[1]))
    parser = argparse.ArgumentParser(prog="python -m tools.benchmark", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10x only, Jupyter Book force only")
    parser.add_argument("--factors", default="10,100,1000", help="synthetic data sizes (default: 10,100,1000)")
    parser.add_argument("--skip-jb", action="store_true", help="do not run Jupyter Book's own execution")
    parser.add_argument("--out", help="keep every output there, with benchmark.json (default: a temporary folder)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run (default: 1800)")
    parser.add_argument("--jobs", type=int, default=None, help="build workers (default: the number of cores)")
    args = parser.parse_args(argv)
    args.factors = [10] if args.quick else [int(x) for x in args.factors.split(",") if x.strip()]
    work = Path(args.out).resolve() if args.out else Path(tempfile.mkdtemp(prefix="tradetalks-benchmark-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = benchmark(args, work)
        (work / "benchmark.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    finally:
        if not args.out:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
