"""Blocks to bytes: the style sheet, the PDF (reportlab) and DOCX (python-docx) renderers, fonts,
bidirectional text and the timeline chart."""
