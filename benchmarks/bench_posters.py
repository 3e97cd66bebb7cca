"""Posters: an A3 poster at 300 dpi (3508 x 4961 px) with four 12-megapixel photos.

Measures ``render_poster`` (compose, print PDF, PNG preview) in seconds per
poster and the peak memory of the process, against a baseline measured in the
same run: the naive way of placing the photos, ``Image.open().resize()`` of
each full 12 MP photo onto a blank A3 page saved as a PDF. Ours decodes each
JPEG at the smallest DCT scale still covering its frame (``draft()``).
Targets: under 2 s per poster and under 500 MB peak.

    python benchmarks/bench_posters.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
from pathlib import Path

from common import median, timed_both, verdict
from images import cached_photos

TARGET_SECONDS = 2.0
TARGET_MB = 500


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def run(rounds: int = 3) -> dict[str, float]:
    from PIL import Image

    from outreach_local_media.posters import DEFAULT_LAYOUTS, PosterContent, render_poster

    root = Path(__file__).resolve().parent.parent
    photos = cached_photos(4)
    layout = DEFAULT_LAYOUTS["a3"]
    content = PosterContent(
        title="Серебряные волонтёры провели урок профориентации в школе №5",
        line="Пятеро наставников рассказали девятиклассникам о своих профессиях.",
        photos=photos, centre_name="Ресурсный центр серебряного волонтёрства",
        slogan="Добро не стареет", logo=root / "media" / "brand" / "logo.png",
        call_to_action="Станьте серебряным волонтёром!", phone="+7 (351) 000-00-00",
        short_code="MIA-7", link="https://t.me/silver_volunteers_bot?start=Ab3dEf9hJk2m")

    def naive(out: Path) -> None:
        page = Image.new("RGB", layout.pixels, "white")
        half = (layout.pixels[0] // 2, layout.pixels[1] // 4)
        for index, path in enumerate(photos):
            with Image.open(path) as photo:
                page.paste(photo.resize(half, Image.Resampling.LANCZOS),
                           ((index % 2) * half[0], (index // 2) * half[1]))
        page.save(out / "naive.pdf", "PDF", resolution=layout.dpi, quality=92)

    ours, base = [], []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        render_poster(content, layout, out, "warm")  # imports, fonts
        before = peak_mb()
        for _ in range(rounds):
            ours.append(timed_both(lambda: render_poster(content, layout, out, "ours")))
        ours_peak = peak_mb()
        for _ in range(rounds):
            base.append(timed_both(lambda: naive(out)))
    ours_s, base_s = median([w for w, _ in ours]), median([w for w, _ in base])
    ours_cpu = median([c for _, c in ours])
    print(f"posters: A3 at 300 dpi ({layout.pixels[0]}x{layout.pixels[1]}), 4 photos of 12 MP; "
          f"{rounds} runs each; medians")
    print(f"  render_poster (PDF + preview): {ours_s:5.2f} s wall {ours_cpu:5.2f} s CPU "
          f"(target < {TARGET_SECONDS:.0f} s: {verdict(ours_s < TARGET_SECONDS)})")
    print(f"  naive open/resize/paste/PDF:   {base_s:5.2f} s wall  ratio {base_s / ours_s:.2f}x")
    print(f"  peak memory after rendering: {ours_peak:.0f} MB (before: {before:.0f} MB; "
          f"target < {TARGET_MB} MB: {verdict(ours_peak < TARGET_MB)})")
    return {"seconds": ours_s, "naive_seconds": base_s, "peak_mb": ours_peak}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    run(parser.parse_args().rounds)
