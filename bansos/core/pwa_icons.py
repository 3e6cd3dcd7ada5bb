"""The app icons of the phone app (PWA), drawn with Pillow. Generated once and committed under
bansos/core/static/core/icons/; run ``python -m bansos.core.pwa_icons`` to draw them again."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (10, 125, 59)
WHITE = (255, 255, 255)
ICONS_DIR = Path(__file__).resolve().parent / "static" / "core" / "icons"
# name: (size, maskable). Maskable icons keep the drawing inside the central 60% (the safe zone is 80%).
ICONS = {"icon-192.png": (192, False), "icon-512.png": (512, False), "icon-maskable-512.png": (512, True)}


def draw_icon(size: int, *, maskable: bool) -> Image.Image:
    """A white house on green: a household, the unit the registry and its programs care about."""
    image = Image.new("RGB", (size, size), GREEN)
    draw = ImageDraw.Draw(image)
    scale = 0.6 if maskable else 0.8
    unit = size * scale
    left = (size - unit) / 2
    top = (size - unit) / 2
    roof = [(left, top + unit * 0.45), (left + unit / 2, top + unit * 0.05), (left + unit, top + unit * 0.45)]
    draw.polygon(roof, fill=WHITE)
    body = (left + unit * 0.15, top + unit * 0.42, left + unit * 0.85, top + unit * 0.95)
    draw.rectangle(body, fill=WHITE)
    door = (left + unit * 0.4, top + unit * 0.62, left + unit * 0.6, top + unit * 0.95)
    draw.rectangle(door, fill=GREEN)
    return image


def write_icons(directory: Path = ICONS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (size, maskable) in ICONS.items():
        path = directory / name
        draw_icon(size, maskable=maskable).save(path, format="PNG", optimize=True)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_icons():
        print(path)
