"""Import: story folders of 12-megapixel JPEGs into a fresh store, photos per second.

Builds ``--photos`` photos as folders of ``--per-story`` (default 100 folders of
5, i.e. 500 photos) in a temporary folder, from a few cached camera-like JPEGs
copied with a distinct JPEG comment each, so every photo has its own sha256
as real photos do. Then times ``outreach.library.importer.import_paths`` once
into an empty store (SQLite in the temporary folder unless ``--url`` names
another), and once more over the unchanged tree (the re-import a volunteer
runs after adding one folder).

    python benchmarks/bench_import.py [--photos 500] [--per-story 5] [--url URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import timed
from images import cached_photos, distinct_copy

BASE_PHOTOS = 10  # distinct compositions; the rest are tagged copies of these

STORY = """+++
title = "Volunteers of {town}, meeting {number}"
kind = "photo-report"
date = 2024-05-{day:02d}
municipality = "{town}"
tags = ["mentoring"]
{photos}
+++
Seniors from {town} met schoolchildren and told them about the town in wartime.
"""


def build_tree(root: Path, photos: int, per_story: int) -> int:
    """Write the story folders; return how many folders there are."""
    bases = cached_photos(min(BASE_PHOTOS, photos))
    folders = (photos + per_story - 1) // per_story
    made = 0
    for number in range(folders):
        folder = root / f"story-{number:04d}"
        folder.mkdir(parents=True)
        names = []
        for position in range(min(per_story, photos - made)):
            name = f"{position + 1:02d}.jpg"
            distinct_copy(bases[made % len(bases)], folder / name, f"bench {number}/{position}")
            names.append(name)
            made += 1
        entries = "\n".join(f'[[photos]]\nfile = "{n}"\ncaption = "Photo {n}"' for n in names)
        (folder / "story.md").write_text(
            STORY.format(town="Miass", number=number, day=number % 28 + 1, photos=entries),
            encoding="utf-8",
        )
    return folders


def run(photos: int = 500, per_story: int = 5, url: str | None = None) -> dict[str, float]:
    from outreach.db import open_store
    from outreach.library.importer import import_paths

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        start = time.perf_counter()
        folders = build_tree(root / "media", photos, per_story)
        print(f"import: {photos} photos of 12 MP in {folders} story folders "
              f"(tree built in {time.perf_counter() - start:.1f} s)")
        store = open_store(url or f"sqlite:///{root / 'bench.db'}")
        try:
            reports = []
            first = timed(lambda: reports.append(import_paths(store, [root / "media"])))
            again = timed(lambda: reports.append(import_paths(store, [root / "media"])))
        finally:
            store.dispose()
    report, repeat = reports
    if report.failed:
        print(f"  {len(report.failed)} folders FAILED, e.g. {report.failed[0][1]}")
    print(f"  first import: {first:6.1f} s  {photos / first:7.1f} photos/s  ({report.summary()})")
    print(f"  re-import:    {again:6.1f} s  {photos / again:7.1f} photos/s  ({repeat.summary()})")
    return {"photos_per_s": photos / first, "reimport_photos_per_s": photos / again}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=500, help="photos in all (default 500)")
    parser.add_argument("--per-story", type=int, default=5, help="photos per folder (default 5)")
    parser.add_argument("--url", help="database URL (default: a SQLite file in a temp folder)")
    arguments = parser.parse_args()
    run(arguments.photos, arguments.per_story, arguments.url)
