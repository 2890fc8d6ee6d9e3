"""Finding the system Chromium (Debian's ``chromium``; Playwright's own download cannot be had offline)
and the flags it runs with here. Used by the PDF export, and by the browser tests."""
from __future__ import annotations

import os
import shutil

#: Flags for headless Chromium in a sandboxed machine with no network: no background connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-quic"]
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
#: Names a Chromium other than the system one (e.g. a newer build); it must be an executable file.
CHROMIUM_ENV = "TRADETALKS_CHROMIUM"


def find_chromium() -> str | None:
    """The Chromium to drive: ``$TRADETALKS_CHROMIUM``, else the system one; None if none."""
    env = os.environ.get(CHROMIUM_ENV)
    if env:
        return env if os.path.isfile(env) and os.access(env, os.X_OK) else None
    for path in CHROMIUM_CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None
