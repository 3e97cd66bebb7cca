"""Draw the SAMPLE photos of media/samples (illustrations, no real people).

Run from the project folder: ``.venv/bin/python tools/make_samples.py``.
The output is deterministic, so re-running it leaves git with nothing to commit.
Two photos carry EXIF on purpose: one is stored sideways with an Orientation
tag (so orientation handling is exercised), one has made-up GPS coordinates
(so stripping location from renditions can be shown).
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import ExifTags, Image, ImageDraw, ImageFont

SAMPLES = Path(__file__).resolve().parent.parent / "media" / "samples"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

# folder -> [(file, palette (sky top, sky bottom, ground), subject, mode)]
PHOTOS = {
    "2026-10-14-miass-school-5": [
        ("01.jpg", ((70, 130, 200), (250, 210, 160), (90, 150, 80)), "Урок в школе №5", ""),
        ("02.jpg", ((40, 90, 160), (200, 220, 250), (120, 110, 90)), "Наставники и ученики",
         "portrait"),
        ("03.jpg", ((120, 160, 220), (255, 230, 200), (70, 130, 70)), "Общее фото", ""),
    ],
    "2026-09-26-chelyabinsk-park-cleanup": [
        ("01.jpg", ((90, 150, 210), (230, 240, 250), (80, 140, 60)), "Субботник в сквере", "gps"),
        ("02.jpg", ((60, 110, 180), (250, 200, 150), (100, 150, 70)), "Новые саженцы", ""),
    ],
    "2026-11-07-zlatoust-nordic-walking": [
        ("01.jpg", ((150, 170, 200), (240, 240, 245), (230, 235, 240)), "Скандинавская ходьба",
         ""),
        ("02.jpg", ((110, 140, 190), (220, 225, 240), (210, 220, 230)), "На маршруте", ""),
    ],
    "2026-11-18-kopeysk-computer-class": [
        ("01.jpg", ((200, 170, 120), (250, 235, 210), (150, 120, 90)), "Компьютерный класс", ""),
        ("02.jpg", ((180, 150, 110), (245, 230, 200), (140, 110, 80)), "Первое письмо внукам",
         ""),
    ],
}


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if FONT.exists():
        return ImageFont.truetype(str(FONT), size)
    return ImageFont.load_default(size)


def _blend(a: tuple[int, ...], b: tuple[int, ...], t: float) -> tuple[int, ...]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def draw(size: tuple[int, int], palette: tuple[tuple[int, ...], ...], subject: str,
         seed: int) -> Image.Image:
    rng = random.Random(seed)
    width, height = size
    top, bottom, ground = palette
    image = Image.new("RGB", size)
    pen = ImageDraw.Draw(image)
    horizon = int(height * 0.62)
    for y in range(horizon):
        pen.line([(0, y), (width, y)], fill=_blend(top, bottom, y / horizon))
    pen.ellipse([width * 0.72, height * 0.1, width * 0.72 + 150, height * 0.1 + 150],
                fill=(255, 236, 170))
    pen.rectangle([0, horizon, width, height], fill=ground)
    for _ in range(3):  # hills
        x = rng.randint(-200, width)
        pen.ellipse([x, horizon - 120, x + rng.randint(500, 900), horizon + 160],
                    fill=_blend(ground, (40, 80, 40), 0.3))
    for index in range(rng.randint(4, 6)):  # figures: a head and a body
        x = int(width * (0.12 + index * 0.15)) + rng.randint(-20, 20)
        scale = rng.uniform(0.9, 1.15)
        colour = rng.choice([(200, 80, 70), (70, 110, 180), (230, 170, 60), (120, 90, 160)])
        body_top = horizon - int(40 * scale)
        pen.rounded_rectangle([x - 45 * scale, body_top, x + 45 * scale, body_top + 230 * scale],
                              radius=int(35 * scale), fill=colour)
        pen.ellipse([x - 32 * scale, body_top - 75 * scale, x + 32 * scale, body_top - 10 * scale],
                    fill=(240, 205, 175))
    banner = _font(max(40, width // 14))
    pen.text((width / 2, height * 0.22), "SAMPLE / ОБРАЗЕЦ", font=banner, anchor="mm",
             fill=(255, 255, 255), stroke_width=4, stroke_fill=(60, 60, 90))
    pen.text((width / 2, height * 0.9), subject, font=_font(max(28, width // 28)), anchor="mm",
             fill=(255, 255, 255), stroke_width=3, stroke_fill=(40, 40, 40))
    return image


def main() -> None:
    seed = 0
    for folder, photos in PHOTOS.items():
        for file, palette, subject, mode in photos:
            seed += 1
            exif = Image.Exif()
            if mode == "portrait":
                image = draw((1200, 1600), palette, subject, seed)
                # Stored sideways the way phones do it; Orientation 6 turns it upright.
                image = image.transpose(Image.Transpose.ROTATE_90)
                exif[ExifTags.Base.Orientation] = 6
            else:
                image = draw((1600, 1200), palette, subject, seed)
            if mode == "gps":
                # Made-up coordinates near Chelyabinsk, only to show they are stripped.
                exif.get_ifd(ExifTags.IFD.GPSInfo).update({
                    1: "N", 2: (55.0, 9.0, 36.0), 3: "E", 4: (61.0, 24.0, 0.0),
                })
            target = SAMPLES / folder / file
            target.parent.mkdir(parents=True, exist_ok=True)
            image.save(target, "JPEG", quality=80, optimize=True, exif=exif)
            kilobytes = target.stat().st_size // 1024
            print(f"{target.relative_to(SAMPLES.parent.parent)}: {kilobytes} KB")


if __name__ == "__main__":
    main()
