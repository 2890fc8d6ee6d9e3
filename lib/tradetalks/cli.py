"""Command line: ``tradetalks validate [DATA_DIR]``, ``build``, ``pdf``, ``report`` and ``benchmark``."""
from __future__ import annotations

import argparse
import sys

from .validate import DataValidationError


def validate_command(data_dir: str | None) -> int:
    from .load import load_dataset
    from .queries import negotiation_rounds

    try:
        ds = load_dataset(data_dir)
    except DataValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    start, end = ds.window
    print(f"Data folder {ds.data_dir} is valid.")
    print(f"Window declared: {start.date()} to {end.date()}")
    ev = ds.events
    print(f"Events dated {ev['start_date'].min().date()} to {ev['end_date'].fillna(ev['start_date']).max().date()}; "
          f"{len(negotiation_rounds(ds))} negotiation rounds, calls and summits")
    print("Rows per table:")
    for name, n in ds.row_counts().items():
        print(f"  {name:<22} {n:>4}")
    kinds = ds.sources["kind"].value_counts()
    print(f"Sources: {len(ds.sources)} (" + ", ".join(f"{k} {v}" for k, v in kinds.items() if v) + ")")
    return 0


#: Subcommands that take their own options: name -> (module, one-line help).
FORWARDED = {
    "build": ("build", "build the report book from data/ (see book/plan.yml); --force re-executes every page"),
    "pdf": ("pdf", "print the built book as one PDF (builds it first if needed)"),
    "report": ("custom", "build a custom report for your own window and focus into a folder you name"),
    "benchmark": ("benchmark", "measure build times and page weights, also at 10x-1000x the data"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] and argv[0] in FORWARDED:  # all their options (--help too) go to their module
        import importlib

        module = importlib.import_module(f"tradetalks.{FORWARDED[argv[0]][0]}")
        return module.main(argv[1:])
    parser = argparse.ArgumentParser(prog="tradetalks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check a data folder and print a summary, or every problem")
    v.add_argument("data_dir", nargs="?", default=None, help="data folder (default: the repository's data/)")
    for name, (_module, text) in FORWARDED.items():
        sub.add_parser(name, help=text)
    args = parser.parse_args(argv)
    return validate_command(args.data_dir)


if __name__ == "__main__":
    sys.exit(main())
