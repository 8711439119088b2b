"""The one-page medication and symptom timeline: its context (``context``) and its one-page
fitting (``fitting``)."""

from __future__ import annotations

from docgen.documents.kind import DocumentKind
from docgen.documents.timeline.context import TEMPLATE, TITLE, build_context
from docgen.documents.timeline.fitting import LEVELS, Measure, fit

KIND = DocumentKind(
    name="timeline",
    label="timeline",
    title=TITLE,
    template=TEMPLATE,
    build_context=build_context,
    missing=lambda case: None,
    one_page=True,
)

__all__ = ["KIND", "LEVELS", "TEMPLATE", "TITLE", "Measure", "build_context", "fit"]
