"""Print files at print size: the stand (1000 x 1400 mm, 150 dpi) and the billboard
(6 x 3 m, 50 dpi) with 12-megapixel photos.

Each run is a fresh process; its peak memory is counted from the render's start. Two
ways per format, in the same run:

- ``shipped``: ``render_poster`` as the channel calls it: layout, faces found in
  every photo and kept in its crop, vector PDF, preview;
- ``plain``: the same with face detection off (``without_detection``): the same
  layout with the crops of a photo without faces;
- ``cmyk``: ``shipped`` with a print shop's CMYK profile (``print_profile``): every
  photo, the logo and the colours converted to its inks (the profile is a small
  one written by ``outreach_testing.icc``; a press profile's larger tables cost
  LittleCMS the same per pixel once its transform is built).

The first photo is a group of three (bench_faces.py's, from scikit-image's
astronaut; without scikit-image it has no faces), the billboard's portrait.

Targets: under 3 s and under 500 MB each. The seconds are the wall clock, what a
person waits for the file: face detection runs on both cores, so the CPU seconds
(printed beside) add up to more than the wait. Run it on a quiet machine; the load
average is printed, and other work inflates the wall clock.

    python benchmarks/bench_print.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_faces import group_photo
from common import median, verdict
from images import cached_photos

TARGET_SECONDS = 3.0
TARGET_MB = 500
FORMATS = ("stand", "billboard")
MODES = ("plain", "shipped", "cmyk")


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


def one(name: str, mode: str, out: Path, profile: Path | None = None) -> dict[str, float]:
    """Render ``name`` once in this process; seconds and this process's peak MB."""
    import contextlib
    import time

    from outreach.media.faces import without_detection
    from outreach_local_media.posters import DEFAULT_LAYOUTS, render_poster

    group, _count = group_photo()
    page_content = content([group, *cached_photos(3)])
    _reset_peak()  # making the test photos is not the render's memory
    started, cpu = time.perf_counter(), time.process_time()
    with without_detection() if mode == "plain" else contextlib.nullcontext():
        render_poster(page_content, DEFAULT_LAYOUTS[name], out, f"{name}-{mode}",  # type: ignore[arg-type]
                      print_profile=profile if mode == "cmyk" else None)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb()}


def _reset_peak() -> None:
    """Start this process's peak resident memory afresh (Linux: clear_refs 5 resets VmHWM)."""
    import gc

    gc.collect()
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def _peak_mb() -> float:
    """This process's peak resident memory since ``_reset_peak``, in MB."""
    with contextlib.suppress(OSError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(rounds: int = 3) -> dict[str, float]:
    cached_photos(3)  # generated once, outside the measurement
    group_photo()
    figures: dict[str, float] = {}
    load = os.getloadavg()[0]
    busy = "" if load < 1.5 else ": a busy machine, the wall clock runs high"
    print(f"print files with 4 photos of 12 MP; {rounds} fresh processes per way; medians "
          f"(load average {load:.1f}{busy})")
    with tempfile.TemporaryDirectory() as folder:
        from outreach_testing.icc import write_cmyk_profile

        profile = write_cmyk_profile(Path(folder) / "press.icc")
        for name in FORMATS:
            results = {}
            for mode in MODES:
                runs = [json.loads(subprocess.run(
                    [sys.executable, __file__, "--one", name, "--mode", mode, "--out", folder,
                     "--profile", str(profile)],
                    check=True, capture_output=True, text=True).stdout)
                    for _ in range(rounds)]
                results[mode] = (median([r["seconds"] for r in runs]),
                                 median([r["cpu"] for r in runs]),
                                 median([r["peak_mb"] for r in runs]))
            (plain_s, plain_cpu, plain_mb) = results["plain"]
            (ours_s, ours_cpu, ours_mb) = results["shipped"]
            (cmyk_s, cmyk_cpu, cmyk_mb) = results["cmyk"]
            size = Path(folder, f"{name}-shipped.pdf").stat().st_size / 1e6
            print(f"  {name}: {ours_s:5.2f} s wall, {ours_cpu:5.2f} s CPU, peak {ours_mb:4.0f} MB, "
                  f"PDF {size:.1f} MB (targets < {TARGET_SECONDS:.0f} s: "
                  f"{verdict(ours_s < TARGET_SECONDS)}, "
                  f"< {TARGET_MB} MB: {verdict(ours_mb < TARGET_MB)})")
            print(f"  {name} without face detection: {plain_s:5.2f} s wall, {plain_cpu:5.2f} s "
                  f"CPU, peak {plain_mb:4.0f} MB; ratio {ours_cpu / plain_cpu:.2f}x CPU, "
                  f"{ours_mb / plain_mb:.2f}x memory")
            cmyk_size = Path(folder, f"{name}-cmyk.pdf").stat().st_size / 1e6
            print(f"  {name} in CMYK (print_profile): {cmyk_s:5.2f} s wall, {cmyk_cpu:5.2f} s "
                  f"CPU, peak {cmyk_mb:4.0f} MB, PDF {cmyk_size:.1f} MB (targets: "
                  f"{verdict(cmyk_s < TARGET_SECONDS)}, {verdict(cmyk_mb < TARGET_MB)}); "
                  f"{cmyk_cpu / ours_cpu:.2f}x CPU, {cmyk_mb / ours_mb:.2f}x memory of sRGB")
            figures |= {f"{name}_seconds": ours_s, f"{name}_cpu": ours_cpu,
                        f"{name}_peak_mb": ours_mb, f"{name}_plain_seconds": plain_s,
                        f"{name}_plain_cpu": plain_cpu, f"{name}_plain_peak_mb": plain_mb,
                        f"{name}_cmyk_seconds": cmyk_s, f"{name}_cmyk_cpu": cmyk_cpu,
                        f"{name}_cmyk_peak_mb": cmyk_mb}
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one", choices=FORMATS)
    parser.add_argument("--mode", choices=MODES, default="shipped")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--profile", type=Path, help="the CMYK profile of --mode cmyk")
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(one(arguments.one, arguments.mode, arguments.out, arguments.profile)))
    else:
        run(arguments.rounds)
