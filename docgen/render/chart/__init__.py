"""The one-page timeline chart, as a package; ``doses`` still holds all of it for now."""

from __future__ import annotations

from docgen.render.chart.doses import (
    ChartStyle,
    _drawn,
    chart_png,
    chart_shortens,
    draw_timeline_chart,
    event_label_numbers,
)

__all__ = ["ChartStyle", "chart_png", "chart_shortens", "draw_timeline_chart", "event_label_numbers"]
