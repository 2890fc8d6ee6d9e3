"""The PDF export (``tradetalks pdf``): the built site's pages assembled into one HTML book
(``assemble``, with long tables balanced by ``tables``), printed by the system Chromium
(``printer``, ``chromium``); ``site`` says what is printed and whether it can be; ``export`` runs it."""
from .export import export_pdf, main
from .site import PdfError

__all__ = ["PdfError", "export_pdf", "main"]
