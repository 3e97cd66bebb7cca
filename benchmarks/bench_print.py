"""Print files at print size: the stand (1000 x 1400 mm, 150 dpi) and the billboard
(6 x 3 m, 50 dpi) with 12-megapixel photos.

Each run is a fresh process, so its peak memory (ru_maxrss) is its own. Two
ways per format, in the same run:

- ``shipped``: ``render_poster`` as the channel calls it (layout, the crops of
  ``posters.photos`` — face detection once it is there —, vector PDF, preview);
- ``plain``: the same page with every crop replaced by the plain rule
  (``cover_box``): the same layout without face detection. Today both crop the
  same way, so the ratio is about 1; it measures what detection adds once
  ``choose_crop``/``portrait_crop`` detect faces.

Targets: under 3 s and under 500 MB each.

    python benchmarks/bench_print.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from common import median, verdict
from images import cached_photos

TARGET_SECONDS = 3.0
TARGET_MB = 500
FORMATS = ("stand", "billboard")


def content(photos: list[Path]) -> object:
    from outreach_local_media.posters import Event, PosterContent, Report

    root = Path(__file__).resolve().parent.parent
    reports = [Report(f"Репортаж {n}", photo, f"Подпись к фотографии {n}", "Ирина Петрова",
                      f"{n} ноября 2026") for n, photo in enumerate(photos, start=1)]
    return PosterContent(
        title="Серебряные волонтёры провели урок профориентации в школе №5",
        line="Пятеро наставников рассказали девятиклассникам о своих профессиях.",
        photos=photos, centre_name="Ресурсный центр серебряного волонтёрства",
        slogan="Добро не стареет", logo=root / "media" / "brand" / "logo.png",
        call_to_action="Станьте серебряным волонтёром!", phone="+7 (351) 000-00-00",
        short_code="MIA-7", link="https://t.me/silver_volunteers_bot?start=Ab3dEf9hJk2m",
        credits=["Ирина Петрова"] * len(photos), address="Челябинск, ул. Кирова, 10",
        municipality="Миасс", reports=reports,
        events=[Event("10 декабря, 11:00", "Встреча наставников", "Библиотека, ул. Ленина, 5")])


def one(name: str, mode: str, out: Path) -> dict[str, float]:
    """Render ``name`` once in this process; seconds and this process's peak MB."""
    import time

    from outreach_local_media.posters import DEFAULT_LAYOUTS, render_poster
    from outreach_local_media.posters.composer import Composer
    from outreach_local_media.posters.designs import compose
    from outreach_local_media.posters.page import Picture, preview
    from outreach_local_media.posters.pdf import write_pdf
    from outreach_local_media.posters.photos import cover_box

    layout = DEFAULT_LAYOUTS[name]
    page_content = content(cached_photos(4))
    started = time.perf_counter()
    if mode == "shipped":
        render_poster(page_content, layout, out, name)  # type: ignore[arg-type]
    else:
        composer = Composer(layout, page_content)  # type: ignore[arg-type]
        compose(composer)
        page = composer.page

        def plain(picture: object, frame: tuple[int, int]) -> tuple[int, int, int, int]:
            return cover_box(*picture.size, frame)  # type: ignore[attr-defined]

        page.items = [dataclasses.replace(item, crop=plain) if isinstance(item, Picture)
                      else item for item in page.items]
        with (out / f"{name}-plain.pdf").open("wb") as pdf:
            write_pdf(page, layout, pdf)
        preview(page, 1600 / max(page.width, page.height)).save(out / f"{name}-plain.png")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak}


def run(rounds: int = 3) -> dict[str, float]:
    cached_photos(4)  # generated once, outside the measurement
    figures: dict[str, float] = {}
    print(f"print files with 4 photos of 12 MP; {rounds} fresh processes per way; medians")
    with tempfile.TemporaryDirectory() as folder:
        for name in FORMATS:
            results = {}
            for mode in ("plain", "shipped"):
                runs = [json.loads(subprocess.run(
                    [sys.executable, __file__, "--one", name, "--mode", mode, "--out", folder],
                    check=True, capture_output=True, text=True).stdout)
                    for _ in range(rounds)]
                results[mode] = (median([r["seconds"] for r in runs]),
                                 median([r["peak_mb"] for r in runs]))
            (plain_s, plain_mb), (ours_s, ours_mb) = results["plain"], results["shipped"]
            size = Path(folder, f"{name}.pdf").stat().st_size / 1e6
            print(f"  {name}: {ours_s:5.2f} s, peak {ours_mb:4.0f} MB, PDF {size:.1f} MB "
                  f"(targets < {TARGET_SECONDS:.0f} s: {verdict(ours_s < TARGET_SECONDS)}, "
                  f"< {TARGET_MB} MB: {verdict(ours_mb < TARGET_MB)})")
            print(f"  {name} without face detection: {plain_s:5.2f} s, peak {plain_mb:4.0f} MB; "
                  f"ratio {ours_s / plain_s:.2f}x time, {ours_mb / plain_mb:.2f}x memory")
            figures |= {f"{name}_seconds": ours_s, f"{name}_peak_mb": ours_mb,
                        f"{name}_plain_seconds": plain_s, f"{name}_plain_peak_mb": plain_mb}
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one", choices=FORMATS)
    parser.add_argument("--mode", choices=("shipped", "plain"), default="shipped")
    parser.add_argument("--out", type=Path)
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(one(arguments.one, arguments.mode, arguments.out)))
    else:
        run(arguments.rounds)
