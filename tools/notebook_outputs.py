"""Check that notebook templates are stored without outputs (their diffs stay readable):
``python -m tools.notebook_outputs notebooks`` lists any that carry outputs and exits 1."""
from __future__ import annotations

import json
import sys
from pathlib import Path


def with_outputs(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
        if any(c.get("outputs") or c.get("execution_count") is not None for c in cells):
            found.append(str(path))
    return found


def main(argv: list[str]) -> int:
    found = [f for folder in (argv or ["notebooks"]) for f in with_outputs(Path(folder))]
    for path in found:
        print(f"{path}: stored with outputs; clear them (Edit > Clear All Outputs) before committing", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
