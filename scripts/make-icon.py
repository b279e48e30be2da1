"""Draw app/assets/localchat.png (256x256) with Pillow from the same shapes as localchat.svg.
Run after changing the SVG: python scripts/make-icon.py"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BLUE, WHITE = "#2780e3", "#ffffff"
SCALE = 4  # drawn 4x and scaled down: smooth edges


def draw(size: int = 256) -> Image.Image:
    s = SCALE * size / 256
    big = Image.new("RGBA", (round(256 * s), round(256 * s)), (0, 0, 0, 0))
    pen = ImageDraw.Draw(big)

    def box(x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
        return (x * s, y * s, (x + w) * s, (y + h) * s)

    pen.rounded_rectangle(box(8, 8, 240, 240), radius=52 * s, fill=BLUE)
    pen.rounded_rectangle(box(44, 56, 168, 116), radius=38 * s, fill=WHITE)
    pen.polygon([(80 * s, 160 * s), (70 * s, 210 * s), (128 * s, 168 * s)], fill=WHITE)
    for cx in (90, 128, 166):
        pen.ellipse(box(cx - 14, 100, 28, 28), fill=BLUE)
    return big.resize((size, size), Image.Resampling.LANCZOS)


if __name__ == "__main__":
    target = Path(__file__).resolve().parents[1] / "app" / "assets" / "localchat.png"
    draw().save(target, optimize=True)
    print(f"wrote {target}")
