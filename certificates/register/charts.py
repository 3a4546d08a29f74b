"""Bar charts and a schematic map of the regions, drawn as SVG by the server: readable without
JavaScript, in print (black on white, numbers written beside the bars) and by screen readers
(each chart has a title and the same figures are in the table next to it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 230
ROW = 26
BAR = 12
CURRENT_FILL = "#0b5e4a"
PREVIOUS_FILL = "#b9b3a5"


@dataclass
class Bar:
    label: str
    value: int
    previous: int | None = None
    href: str = ""


def _shorten(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    bars: list[Bar], *, title: str, current_label: str, previous_label: str = ""
) -> SafeString:
    """Horizontal bars, this period (dark) over the previous period (grey), values written."""
    top = 28
    height = top + ROW * max(len(bars), 1) + 8
    scale_max = max([b.value for b in bars] + [b.previous or 0 for b in bars] + [1])
    plot = WIDTH - LABEL_WIDTH - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="t{id(bars)}">',
        f'<title id="t{id(bars)}">{escape(title)}</title>',
        '<g font-family="system-ui,sans-serif" font-size="12">',
        f'<rect x="{LABEL_WIDTH}" y="6" width="10" height="10" fill="{CURRENT_FILL}"/>',
        f'<text x="{LABEL_WIDTH + 14}" y="15">{escape(current_label)}</text>',
    ]
    if previous_label:
        x = LABEL_WIDTH + 24 + 7 * len(current_label)
        parts += [
            f'<rect x="{x}" y="6" width="10" height="10" fill="{PREVIOUS_FILL}"/>',
            f'<text x="{x + 14}" y="15">{escape(previous_label)}</text>',
        ]
    for index, bar in enumerate(bars):
        y = top + index * ROW
        width = round(plot * bar.value / scale_max)
        label = f'<text x="{LABEL_WIDTH - 8}" y="{y + 11}" text-anchor="end">'
        label += f"{escape(_shorten(bar.label))}<title>{escape(bar.label)}</title></text>"
        if bar.href:
            label = f'<a href="{escape(bar.href)}">{label}</a>'
        parts += [
            label,
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR}" '
            f'fill="{CURRENT_FILL}"/>',
            f'<text x="{LABEL_WIDTH + width + 4}" y="{y + 11}" font-weight="600">'
            f"{bar.value}</text>",
        ]
        if bar.previous is not None:
            previous_width = round(plot * bar.previous / scale_max)
            parts += [
                f'<rect x="{LABEL_WIDTH}" y="{y + BAR + 1}" width="{previous_width}" height="6" '
                f'fill="{PREVIOUS_FILL}"/>',
                f'<text x="{LABEL_WIDTH + previous_width + 4}" y="{y + BAR + 8}" '
                f'font-size="9" fill="#444">{bar.previous}</text>',
            ]
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # every text above is escaped


# Schematic positions (column, row) of Mali's regions, west to east and north to south. Regions
# added later by the administrators go in an extra row at the bottom.
REGION_TILES = {
    "Taoudénit": (3, 0),
    "Tombouctou": (3, 1),
    "Kidal": (5, 1),
    "Nioro du Sahel": (1, 2),
    "Nara": (2, 2),
    "Douentza": (4, 2),
    "Gao": (5, 2),
    "Ménaka": (6, 2),
    "Kayes": (0, 3),
    "Koulikoro": (2, 3),
    "Ségou": (3, 3),
    "Mopti": (4, 3),
    "Bandiagara": (5, 3),
    "Kita": (1, 4),
    "District de Bamako": (2, 4),
    "Dioïla": (3, 4),
    "San": (4, 4),
    "Bougouni": (2, 5),
    "Sikasso": (3, 5),
    "Koutiala": (4, 5),
}
TILE_W, TILE_H = 120, 56


def region_map(tiles: list[Bar], *, title: str) -> SafeString:
    """A tile map: one tile per region, darker with more people trained, the figure written."""
    placed, extra = [], []
    for tile in tiles:
        (placed if tile.label in REGION_TILES else extra).append(tile)
    rows = 6 + (len(extra) + 6) // 7
    height = rows * TILE_H + 4
    peak = max([t.value for t in tiles] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart region-map" '
        f'viewBox="0 0 {7 * TILE_W + 4} {height}" width="100%" role="img" '
        f'aria-labelledby="m{id(tiles)}"><title id="m{id(tiles)}">{escape(title)}</title>',
        '<g font-family="system-ui,sans-serif" font-size="12">',
    ]
    positions = [(tile, REGION_TILES[tile.label]) for tile in placed]
    positions += [(tile, (i % 7, 6 + i // 7)) for i, tile in enumerate(extra)]
    for tile, (column, row) in positions:
        x, y = 2 + column * TILE_W, 2 + row * TILE_H
        share = tile.value / peak
        # Five steps of green; the figure is written, so the shade only helps the eye.
        shades = ["#f1eee6", "#cfe3da", "#9cc7b5", "#5c9f86", "#0b5e4a"]
        fill = shades[0] if tile.value == 0 else shades[min(4, 1 + int(share * 3.999))]
        ink = "#fff" if fill in shades[3:] else "#1d2329"
        ink_class = ' class="ink-light"' if ink == "#fff" else ""
        body = (
            f'<rect x="{x}" y="{y}" width="{TILE_W - 4}" height="{TILE_H - 4}" rx="4" '
            f'fill="{fill}" stroke="#8c8577"/>'
            f'<text x="{x + 6}" y="{y + 18}" fill="{ink}"{ink_class}>'
            f"{escape(_shorten(tile.label, 17))}"
            f"<title>{escape(tile.label)}</title></text>"
            f'<text x="{x + 6}" y="{y + 40}" fill="{ink}"{ink_class} '
            'font-size="18" font-weight="700">'
            f"{tile.value}</text>"
        )
        if tile.href:
            body = f'<a href="{escape(tile.href)}">{body}</a>'
        parts.append(body)
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # every text above is escaped
