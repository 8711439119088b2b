"""docgen: patient advocacy paperwork from one case file."""

from __future__ import annotations

__version__ = "0.1.0"
