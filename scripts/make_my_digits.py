"""Draw the example "own handwriting" images in data/my_digits/.

    apt-get install fonts-dkg-handwriting fonts-humor-sans fonts-breip fonts-femkeklaver \
        fonts-comic-neue fonts-kristi
    .venv/bin/python scripts/make_my_digits.py

Each digit 0-9 is written with one of Debian's handwriting-style fonts, thickened to a pen's
stroke, tilted, and made to look photographed or scanned: uneven lighting on off-white paper,
sensor noise, blur and JPEG compression; two are chalk-like light ink on a dark board. The file
name starts with the digit that was drawn.
"""

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

REPO = Path(__file__).resolve().parent.parent
FONTS = Path("/usr/share/fonts")
# digit: (font file, canvas width, canvas height, tilt in degrees, dark board?, JPEG?)
EXAMPLES = {
    0: ("truetype/fifthhorseman/dkg.ttf", 360, 420, -6, False, True),
    1: ("truetype/humor-sans/Humor-Sans.ttf", 300, 400, 5, False, True),
    2: ("truetype/breip/Breip.ttf", 420, 420, 8, False, False),
    3: ("truetype/femkeklaver/femkeklaver.ttf", 640, 480, -4, False, True),
    4: ("opentype/comic-neue/ComicNeue-Bold.otf", 200, 240, 3, True, False),
    5: ("truetype/kristi/Kristi.ttf", 480, 520, -8, False, True),
    6: ("truetype/fifthhorseman/dkgBd.ttf", 1200, 1600, 10, False, True),
    7: ("truetype/humor-sans/Humor-Sans.ttf", 96, 96, -3, False, False),
    8: ("truetype/breip/Breip.ttf", 500, 380, 6, True, True),
    9: ("opentype/comic-neue/ComicNeue-Regular.otf", 380, 460, -5, False, True),
}


def draw(digit, font_file, width, height, tilt, dark_board, rng):
    size = min(width, height)
    ink_layer = Image.new("L", (width, height), 0)
    font = ImageFont.truetype(str(FONTS / font_file), int(size * 0.7))
    position = (width * rng.uniform(0.4, 0.6), height * rng.uniform(0.45, 0.55))
    ImageDraw.Draw(ink_layer).text(
        position,
        str(digit),
        fill=255,
        font=font,
        anchor="mm",
        stroke_width=max(1, size // 45),
        stroke_fill=255,
    )
    ink = (
        np.asarray(ink_layer.rotate(tilt, resample=Image.Resampling.BICUBIC), dtype=np.float32)
        / 255
    )

    rows, columns = np.mgrid[0:height, 0:width]
    lighting = 0.12 * (columns / width) + 0.08 * (rows / height)  # a window on one side
    if dark_board:
        paper, pen = 0.18 + lighting, 0.85
    else:
        paper, pen = 0.93 - lighting, 0.12
    photo = paper + (pen - paper) * ink
    photo += rng.normal(0, 0.035, photo.shape)
    image = Image.fromarray(np.uint8(np.clip(photo, 0, 1) * 255)).filter(
        ImageFilter.GaussianBlur(size / 250)
    )
    return image.convert("RGB")


def main():
    out = REPO / "data" / "my_digits"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.*g"):
        old.unlink()
    rng = np.random.default_rng(7)
    for digit, (font_file, width, height, tilt, dark_board, jpeg) in EXAMPLES.items():
        image = draw(digit, font_file, width, height, tilt, dark_board, rng)
        style = "board" if dark_board else ("photo" if jpeg else "scan")
        path = out / f"{digit}-{Path(font_file).stem.lower()}-{style}.{'jpg' if jpeg else 'png'}"
        image.save(path, quality=80) if jpeg else image.save(path, optimize=True)
        print(f"{path.relative_to(REPO)}: {width}x{height}, {path.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
