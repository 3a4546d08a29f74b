"""Draw the installed application's icons (the web app manifest's and the iPhone's home-screen
icon): the scales of justice in white on the site's green, drawn with Pillow, written to
site/static/img/icons/. The PNGs are committed; run this again after changing the drawing."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

GREEN = (11, 94, 74, 255)  # --accent in site.css
WHITE = (255, 255, 255, 255)
GOLD = (242, 183, 5, 255)  # --focus in site.css
SCALE = 4  # drawn four times larger, then reduced: smooth edges

# name: (size in pixels, share of the side the drawing takes, rounded corners)
ICONS = {
    "icon-192.png": (192, 0.78, True),
    "icon-512.png": (512, 0.78, True),
    # Android crops a maskable icon to a circle or a squircle: the drawing stays inside the
    # central 80 % (the safe zone), the background fills the whole square.
    "icon-maskable-512.png": (512, 0.58, False),
    "apple-touch-icon.png": (180, 0.72, False),
}


def draw_scales(size: int, share: float, rounded: bool) -> Image.Image:
    side = size * SCALE
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle([0, 0, side - 1, side - 1], radius=side // 6, fill=GREEN)
    else:
        draw.rectangle([0, 0, side, side], fill=GREEN)
    box = side * share
    left = (side - box) / 2
    top = (side - box) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return left + x * box, top + y * box

    line = max(2, round(box * 0.045))
    # The pillar, its foot and the beam.
    draw.rectangle([*at(0.475, 0.14), *at(0.525, 0.86)], fill=WHITE)
    draw.rounded_rectangle([*at(0.28, 0.84), *at(0.72, 0.92)], radius=line, fill=WHITE)
    draw.rounded_rectangle([*at(0.08, 0.19), *at(0.92, 0.24)], radius=line // 2, fill=WHITE)
    draw.ellipse([*at(0.44, 0.08), *at(0.56, 0.20)], fill=GOLD)
    # Two pans, each hung from an end of the beam by two cords.
    for centre in (0.2, 0.8):
        for dx in (-0.14, 0.14):
            draw.line([at(centre, 0.22), at(centre + dx, 0.55)], fill=WHITE, width=line // 2)
        draw.pieslice([*at(centre - 0.17, 0.44), *at(centre + 0.17, 0.66)], 0, 180, fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


class Command(BaseCommand):
    help = "Draw the application's icons into site/static/img/icons/."

    def handle(self, *args, **options):
        folder = Path(settings.SITE_DIR) / "static" / "img" / "icons"
        folder.mkdir(parents=True, exist_ok=True)
        for name, (size, share, rounded) in ICONS.items():
            path = folder / name
            draw_scales(size, share, rounded).save(path, optimize=True)
            self.stdout.write(
                f"{path.relative_to(settings.BASE_DIR)} ({path.stat().st_size} bytes)"
            )
