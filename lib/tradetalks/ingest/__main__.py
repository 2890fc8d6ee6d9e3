"""``python -m tradetalks.ingest ...`` runs the same command as ``tradetalks ingest ...``."""
import sys

from .cli import main

sys.exit(main())
