"""Renditions: a 12-megapixel JPEG to a 1280-pixel rendition under 1 MB.

Compares ``outreach.media.renditions.make_rendition`` with the naive way,
``Image.open().resize().save()``, in the same run on the same photos and to
the same size, filter (LANCZOS) and JPEG quality. The naive way decodes all 12
megapixels and resamples them all; a rendition decodes at 1/2 scale through
JPEG's DCT scaling (``draft()``) and resamples a quarter of the pixels, and it
also turns the photo upright, strips metadata and checks the byte limit.
Target: at least 2x faster than naive.

    python benchmarks/bench_renditions.py [--photos 3] [--rounds 3]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import median, timed_both, verdict
from images import cached_photos

TARGET_RATIO = 2.0


def run(photos: int = 3, rounds: int = 3) -> dict[str, float]:
    from PIL import Image

    from outreach.channels import MediaLimits
    from outreach.media.renditions import fit_size, make_rendition

    limits = MediaLimits(max_side=1280, max_bytes=1_000_000)
    sources = cached_photos(photos)
    ours: list[tuple[float, float]] = []  # (wall, CPU) seconds
    naive: list[tuple[float, float]] = []
    sizes: list[int] = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)

        def naive_rendition(source: Path) -> None:
            with Image.open(source) as image:
                size = fit_size(*image.size, limits)
                image.resize(size, Image.Resampling.LANCZOS).save(
                    out / "naive.jpg", quality=limits.quality
                )

        make_rendition(sources[0], limits, out / "warm.jpg")  # imports, caches
        for _ in range(rounds):
            for source in sources:  # interleaved, so both see the same machine load
                ours.append(timed_both(lambda s=source: sizes.append(
                    make_rendition(s, limits, out / "ours.jpg").bytes)))
                naive.append(timed_both(lambda s=source: naive_rendition(s)))
    mean_source = sum(p.stat().st_size for p in sources) / len(sources)
    ours_s, naive_s = median([w for w, _ in ours]), median([w for w, _ in naive])
    ours_cpu, naive_cpu = median([c for _, c in ours]), median([c for _, c in naive])
    ratio, cpu_ratio = naive_s / ours_s, naive_cpu / ours_cpu
    print(f"renditions: {len(sources)} photos of 12 MP (~{mean_source / 1e6:.1f} MB) "
          f"-> 1280 px, under {limits.max_bytes / 1e6:.0f} MB; {len(ours)} runs each; medians")
    print(f"  outreach make_rendition: {ours_s * 1000:7.1f} ms wall {ours_cpu * 1000:7.1f} ms CPU"
          f"  {1 / ours_s:6.2f} photos/s  (rendition {max(sizes) / 1e3:.0f} kB at most)")
    print(f"  naive open/resize/save:  {naive_s * 1000:7.1f} ms wall {naive_cpu * 1000:7.1f} ms CPU"
          f"  {1 / naive_s:6.2f} photos/s")
    print(f"  speed-up: {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU "
          f"(target >= {TARGET_RATIO:.0f}x: {verdict(ratio >= TARGET_RATIO)})")
    assert max(sizes) <= limits.max_bytes, "a rendition exceeded the byte limit"
    return {"ours_per_s": 1 / ours_s, "naive_per_s": 1 / naive_s, "ratio": ratio,
            "cpu_ratio": cpu_ratio}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=3, help="distinct photos (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over them (default 3)")
    arguments = parser.parse_args()
    run(arguments.photos, arguments.rounds)
