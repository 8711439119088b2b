"""docgen's local web app: the case file filled in page by page in a browser, its documents
previewed and downloaded. ``create_app`` builds the app; ``serve`` runs it on 127.0.0.1."""

from __future__ import annotations

from docgen.web.app import create_app
from docgen.web.server import serve

__all__ = ["create_app", "serve"]
