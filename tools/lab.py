"""``make lab``: JupyterLab on the notebook templates with the project's environment, as root or as
any user. Extra arguments go to JupyterLab (e.g. ``make lab ARGS="--port 9999"``)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def command(args: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "jupyter", "lab", str(REPO / "notebooks"), "--no-browser", "--ip=127.0.0.1"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # JupyterLab refuses root without it (containers often run as root)
    return cmd + args


def main(argv: list[str]) -> int:
    cmd = command(argv)
    print("Starting JupyterLab on notebooks/ (stop it with Ctrl-C).\n"
          "Open the address it prints below, the one with ?token=..., in a browser on this machine.", flush=True)
    os.execv(cmd[0], cmd)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
