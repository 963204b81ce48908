"""Small charts as inline SVG, built here so the report needs no script or network.

Every label is escaped (``markupsafe.escape``): outlet names and claims are untrusted.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BAR = "#c0504d"


def bars(values: Sequence[tuple[str, int]], width: int = 240, height: int = 36,
         label: str = "") -> Markup:
    """A bar per (name, count), in order; each bar's tooltip names it and its count."""
    if not values:
        return Markup("")
    top = max(n for _, n in values) or 1
    step = width / len(values)
    rects = []
    for i, (name, n) in enumerate(values):
        h = max(1.0, (height - 2) * n / top)
        rects.append(
            f'<rect x="{i * step:.1f}" y="{height - h:.1f}" width="{max(step - 1, 1):.1f}" '
            f'height="{h:.1f}" fill="{BAR}"><title>{escape(name)}: {n}</title></rect>')
    return Markup(
        f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(label)}">' + "".join(rects) + "</svg>")


def share(part: float, width: int = 80, height: int = 10) -> Markup:
    """A horizontal bar filled to ``part`` (0..1)."""
    filled = max(0.0, min(1.0, part)) * width
    return Markup(
        f'<svg class="chart" width="{width}" height="{height}" role="img" '
        f'aria-label="{100 * part:.0f}%"><rect width="{width}" height="{height}" '
        f'fill="#eee"/><rect width="{filled:.1f}" height="{height}" fill="{BAR}"/></svg>')
