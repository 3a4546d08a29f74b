"""The register's drawings keep their text readable: axe-core cannot measure text drawn in an
SVG (it treats a drawing as an image), so the contrast of every text colour on the colour
under it is measured here, with the colours the stylesheet gives links."""

import re
from pathlib import Path

from certificates.register import charts

SITE_CSS = Path(__file__).resolve().parents[3] / "site" / "static" / "css" / "site.css"


def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    dark, light = sorted([_luminance(one), _luminance(other)])
    return (light + 0.05) / (dark + 0.05)


def _variable(name: str) -> str:
    return re.search(rf"--{name}:(#[0-9a-fA-F]{{3,6}})", SITE_CSS.read_text()).group(1)


def test_the_contrast_measure_is_wcag_s():
    assert round(contrast("#000", "#fff"), 1) == 21.0
    assert round(contrast("#777", "#fff"), 2) == 4.48


def test_every_text_of_the_map_is_readable_on_its_tile():
    link, page = _variable("accent"), _variable("bg")
    tiles = [charts.Bar(f"Région {n}", n, href=f"/r/{n}/", link_label=f"{n}") for n in range(9)]
    tiles.append(charts.Bar("Sans lien", 0))
    svg = str(charts.region_map(tiles, title="Carte"))
    pairs = re.findall(
        r'<rect [^>]*fill="(#\w+)"[^>]*/><text [^>]*fill="(#\w+)"( class="ink-light")?'
        r'[^>]*>[^<]*</text>(</a>)?<text [^>]*fill="(#\w+)"',
        svg,
    )
    assert len(pairs) == len(tiles)
    shades = set()
    for tile_fill, ink, light, linked, figure_ink in pairs:
        # A linked name takes the links' colour from the stylesheet, unless it is light ink.
        name_ink = link if linked and not light else ink
        assert contrast(name_ink, tile_fill) >= 4.5, (name_ink, tile_fill)
        assert contrast(figure_ink, tile_fill) >= 4.5, (figure_ink, tile_fill)
        shades.add(tile_fill)
    assert shades == set(charts.MAP_SHADES)  # every step drawn and measured
    assert contrast(link, page) >= 4.5


def test_every_text_of_the_bar_charts_is_readable_on_the_page():
    link, page = _variable("accent"), _variable("bg")
    bars = [charts.Bar("Juge", 4, 2, href="/j/", link_label="4 personnes formées (Juge)")]
    for draw in (charts.bar_chart, charts.bar_chart_narrow):
        svg = str(draw(bars, title="T", current_label="2026", previous_label="2025"))
        # Bars never run under text: every text is on the page's background.
        fills = re.findall(r'<text [^>]*fill="(#\w+)"', svg) or []
        for ink in [*fills, "#000", link]:  # SVG text is black unless it says otherwise
            assert contrast(ink, page) >= 4.5, (draw.__name__, ink)
