"""Command line: ``tradetalks validate [DATA_DIR]``, ``tradetalks build`` and ``tradetalks pdf``."""
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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["pdf"]:  # all its options (--help too) go to tradetalks.pdf
        from .pdf import main as pdf_main
        return pdf_main(argv[1:])
    parser = argparse.ArgumentParser(prog="tradetalks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check a data folder and print a summary, or every problem")
    v.add_argument("data_dir", nargs="?", default=None, help="data folder (default: the repository's data/)")
    b = sub.add_parser("build", help="build the report book (see book/plan.yml)", add_help=False)
    b.add_argument("rest", nargs=argparse.REMAINDER)
    d = sub.add_parser("pdf", help="print the built book as one PDF (builds it first if needed)", add_help=False)
    d.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "validate":
        return validate_command(args.data_dir)
    from .build import main as build_main
    return build_main(args.rest)


if __name__ == "__main__":
    sys.exit(main())
