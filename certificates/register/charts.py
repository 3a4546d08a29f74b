"""Bar charts and a schematic map of the regions, drawn as SVG by the server: readable without
JavaScript, in print (black on white, numbers written beside the bars) and by screen readers
(each chart is a group named by its title, each bar's link is named by what it opens, and the
same figures are in the table next to it). A label is drawn as text only, without a <title>
tooltip inside it: the tooltip's words would count as visible text the link's name does not
hold (WCAG 2.5.3, label in name); a shortened label's full words are in the link's name and in
the table.

Each bar chart is drawn twice: `bar_chart` for a wide screen (labels left of the bars) and
`bar_chart_narrow` for a phone (drawn 320 units wide, about the screen's width, so its text
keeps its size: each label above its bar); the stylesheet shows one of them. The map is for wide
screens only: on a phone, the region chart and table say the same."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

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
    link_label: str = ""  # what the link opens, e.g. « Juge : 7 personnes formées — voir… »


def _link(bar: Bar, body: str) -> str:
    if not bar.href:
        return body
    name = f' aria-label="{escape(_link_name(bar))}"' if bar.link_label else ""
    return f'<a href="{escape(bar.href)}"{name}>{body}</a>'


def _link_name(bar: Bar) -> str:
    """The link's name begins with the label it shows (« Juge : 4 personnes formées — voir la
    liste »): its visible words are in its name (WCAG 2.5.3), not in parentheses after it."""
    what = bar.link_label.replace(f" ({bar.label})", "")
    return gettext("%(label)s: %(link)s") % {"label": bar.label, "link": what}


def _open_svg(css_class: str, width: int, height: int, key: str, title: str) -> str:
    # A group, not an image: it holds links (an image's content is not interactive).
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" '
        f'viewBox="0 0 {width} {height}" width="100%" role="group" aria-labelledby="{key}">'
        f'<title id="{key}">{escape(title)}</title>'
    )


def _shorten(text: str, limit: int = 34) -> str:
    """`text` in `limit` characters at most, cut after a whole word when it can (a link's
    shortened label stays made of words its name holds)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and text[limit - 1] != " ":
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:—-") + "…"


def bar_chart(
    bars: list[Bar], *, title: str, current_label: str, previous_label: str = ""
) -> SafeString:
    """Horizontal bars, this period (dark) over the previous period (grey), values written."""
    top = 28
    height = top + ROW * max(len(bars), 1) + 8
    scale_max = max([b.value for b in bars] + [b.previous or 0 for b in bars] + [1])
    plot = WIDTH - LABEL_WIDTH - 60
    parts = [
        _open_svg("chart chart-wide", WIDTH, height, f"t{id(bars)}", title),
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
        label += f"{escape(_shorten(bar.label))}</text>"
        parts += [
            _link(bar, label),
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


NARROW_WIDTH = 320
NARROW_ROW = 46


def _lines(text: str, width: int = 44, most: int = 2) -> list[str]:
    """`text` cut into at most `most` lines of `width` characters, at spaces when it can."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = lines[: most - 1] + [_shorten(" ".join(lines[most - 1 :]), width)]
    return [_shorten(line, width) for line in lines] or [""]


def bar_chart_narrow(
    bars: list[Bar], *, title: str, current_label: str, previous_label: str = ""
) -> SafeString:
    """The same bars for a phone: each label above its bar (on two lines at most), the whole
    width for the bars, text at 13 units in a drawing about as wide as the screen."""
    top = 44 if previous_label else 26
    labels = [_lines(bar.label) for bar in bars]
    height = top + sum(NARROW_ROW + 16 * (len(lines) - 1) for lines in labels) + 4
    scale_max = max([b.value for b in bars] + [b.previous or 0 for b in bars] + [1])
    plot = NARROW_WIDTH - 44
    parts = [
        _open_svg("chart chart-narrow", NARROW_WIDTH, height, f"n{id(bars)}", title),
        '<g font-family="system-ui,sans-serif" font-size="13">',
        f'<rect x="0" y="6" width="12" height="12" fill="{CURRENT_FILL}"/>',
        f'<text x="18" y="17">{escape(current_label)}</text>',
    ]
    if previous_label:
        parts += [
            f'<rect x="0" y="25" width="12" height="8" fill="{PREVIOUS_FILL}"/>',
            f'<text x="18" y="35">{escape(previous_label)}</text>',
        ]
    y = top
    for bar, lines in zip(bars, labels, strict=True):
        width = round(plot * bar.value / scale_max)
        label = "".join(
            # The space ending a line is not drawn, but it parts its last word from the
            # next line's first in the text a screen reader (and axe) reads.
            f'<text x="0" y="{y + 13 + 16 * index}">{escape(line)} </text>'
            for index, line in enumerate(lines)
        )
        y += 16 * (len(lines) - 1)
        parts += [
            _link(bar, label),
            f'<rect x="0" y="{y + 18}" width="{width}" height="12" fill="{CURRENT_FILL}"/>',
            f'<text x="{width + 5}" y="{y + 29}" font-weight="600">{bar.value}</text>',
        ]
        if bar.previous is not None:
            previous_width = round(plot * bar.previous / scale_max)
            parts += [
                f'<rect x="0" y="{y + 32}" width="{previous_width}" height="7" '
                f'fill="{PREVIOUS_FILL}"/>',
                f'<text x="{previous_width + 5}" y="{y + 42}" font-size="12" fill="#444">'
                f"{bar.previous}</text>",
            ]
        y += NARROW_ROW
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
# Five steps of green; the figure is written, so the shade only helps the eye. Text on each
# keeps a contrast of 4.5:1 at least: the site's green links on the three light ones, white on
# the two dark ones (tests/certificates/register/test_charts.py).
MAP_SHADES = ["#f1eee6", "#d0e4da", "#b8d8ca", "#2f7a60", "#0b5e4a"]


def region_map(tiles: list[Bar], *, title: str) -> SafeString:
    """A tile map: one tile per region, darker with more people trained, the figure written."""
    placed, extra = [], []
    for tile in tiles:
        (placed if tile.label in REGION_TILES else extra).append(tile)
    rows = 6 + (len(extra) + 6) // 7
    height = rows * TILE_H + 4
    peak = max([t.value for t in tiles] + [1])
    parts = [
        _open_svg("chart region-map", 7 * TILE_W + 4, height, f"m{id(tiles)}", title),
        '<g font-family="system-ui,sans-serif" font-size="12">',
    ]
    positions = [(tile, REGION_TILES[tile.label]) for tile in placed]
    positions += [(tile, (i % 7, 6 + i // 7)) for i, tile in enumerate(extra)]
    for tile, (column, row) in positions:
        x, y = 2 + column * TILE_W, 2 + row * TILE_H
        share = tile.value / peak
        fill = MAP_SHADES[0] if tile.value == 0 else MAP_SHADES[min(4, 1 + int(share * 3.999))]
        ink = "#fff" if fill in MAP_SHADES[3:] else "#1d2329"
        ink_class = ' class="ink-light"' if ink == "#fff" else ""
        # The link holds the tile and its name; the figure is drawn beside it, outside the
        # link, so that the link's visible text is the region's name, which its name holds.
        body = (
            f'<rect x="{x}" y="{y}" width="{TILE_W - 4}" height="{TILE_H - 4}" rx="4" '
            f'fill="{fill}" stroke="#8c8577"/>'
            f'<text x="{x + 6}" y="{y + 18}" fill="{ink}"{ink_class}>'
            f"{escape(_shorten(tile.label, 17))}</text>"
        )
        parts.append(_link(tile, body))
        parts.append(
            f'<text x="{x + 6}" y="{y + 40}" fill="{ink}" font-size="18" font-weight="700">'
            f"{tile.value}</text>"
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # every text above is escaped
