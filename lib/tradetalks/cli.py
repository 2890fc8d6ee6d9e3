"""The tradetalks command: validate the data, build the book, print it as a PDF, make a custom
report, or turn a news article into rows to review.

Every fault a user can cause ends with a message saying what and where, and a non-zero exit status;
``--debug`` (before the subcommand) shows the Python traceback as well.
"""
from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys

from .data import DataValidationError

#: Subcommands that take their own options: name -> (module, one-line help).
FORWARDED = {
    "build": ("tradetalks.book.build", "build the report book from data/ (see book/plan.yml)"),
    "pdf": ("tradetalks.pdf.export", "print the built book as one PDF (builds it first if needed)"),
    "report": ("tradetalks.book.custom", "build a custom report for your own window and focus into a folder you name"),
    "ingest": ("tradetalks.ingest", "turn a news article into proposed rows to review; --apply adds the accepted ones"),
}
EXIT_IO = 6
EXIT_INTERRUPTED = 130


def validate_command(data_dir: str | None) -> int:
    from .analysis.queries import negotiation_rounds
    from .data import load_dataset

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


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("tradetalks")
    except metadata.PackageNotFoundError:
        return "unknown"


def _io_message(exc: OSError) -> str:
    where = f" {exc.filename}" if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return f"error: the disk is full: could not write{where}. Free some space and run the command again."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"error: no permission to write{where} ({os.strerror(exc.errno)}). "
                "Make the folder writable, or choose another output folder.")
    return f"error: {os.strerror(exc.errno) if exc.errno else exc}:{where}"


def _run(args: list[str]) -> int:
    if args[:1] and args[0] in FORWARDED:  # all their options (--help too) go to their module
        return importlib.import_module(FORWARDED[args[0]][0]).main(args[1:])
    parser = argparse.ArgumentParser(prog="tradetalks", description=__doc__.split("\n\n")[0],
                                     epilog="Run 'tradetalks COMMAND --help' for a command's options.")
    parser.add_argument("--version", action="version", version=f"tradetalks {_version()}")
    parser.add_argument("--debug", action="store_true", help="show the Python traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    v = sub.add_parser("validate", help="check a data folder and print a summary, or every problem")
    v.add_argument("data_dir", nargs="?", default=None, help="data folder (default: the repository's data/)")
    for name, (_module, text) in FORWARDED.items():
        sub.add_parser(name, help=text, add_help=False)
    parsed = parser.parse_args(args)
    return validate_command(parsed.data_dir)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in args[:1]
    if debug:
        args = args[1:]
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("stopped (interrupted); the published site was not changed", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `tradetalks validate | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0
    except OSError as exc:
        if debug:
            raise
        print(_io_message(exc), file=sys.stderr)
        return EXIT_IO


if __name__ == "__main__":
    sys.exit(main())
