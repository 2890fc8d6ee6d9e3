"""``tradetalks ingest``: from a news article to proposed, dated, attributed rows for review, and
``--apply`` to add the accepted ones to the data folder (validated, all or nothing).

Modules: ``article`` (reading text or HTML), ``dates`` (date phrases resolved against the article's
date), ``names`` (actors and sticking points), ``extract`` (proposed rows), ``conflicts`` (where the
article contradicts the record), ``review`` (the YAML review file), ``apply`` and ``cli``.
"""
from .cli import main
from .errors import IngestError

__all__ = ["IngestError", "main"]
