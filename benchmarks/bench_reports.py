"""Photo reports: 50 reporters sending 10-photo albums at once through the fake Bot API.

The service side (this process): the real python-telegram-bot client, the
plugin's intake and the core's FrontDesk on a SQLite store (or ``--url``).
The fake runs in a child process, so this process's memory is the service's
alone; its scripted reporters open their invitation links, send an album of
distinct 1280 x 960 JPEGs with a caption, and press the first button of each
question. Checks that every report is stored once with all its photos, each
once; prints the seconds until the last report's card reaches the
coordinators' chat, and the service's peak memory against its memory before
the albums came (the baseline) and against the bytes of photos received
(streamed to disk, so the growth stays far below them).

    .venv/bin/python benchmarks/bench_reports.py [--reporters 50] [--photos 10] [--url URL]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from common import verdict
from sqlmodel import func, select

from outreach.db import open_store
from outreach.db.models import FieldReport, Photo
from outreach.db.states import PersonRole
from outreach.fieldreports.desk import FrontDesk
from outreach.people import roster
from outreach.signups.desk import StoreDesk
from outreach_telegram import TelegramChannel
from outreach_telegram.pacing import FloodLimits
from outreach_testing import make_registry, make_test_config

TARGET_MB = 300
FIRST_ID = 700_000_001
COORDINATORS = "@sandbox_coordinators"


# --- the child: the fake and its reporters ---

def photo(seed: int, path: Path) -> None:
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    # A gradient with grain, as a phone's photo has: about 300 KB, like Telegram's own.
    gradient = Image.linear_gradient("L").resize((1280, 960))
    grain = Image.effect_noise((1280, 960), 24)
    image = Image.blend(gradient, grain, 0.25).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(1200), rng.randrange(900)
        draw.ellipse((x, y, x + rng.randrange(40, 300), y + rng.randrange(40, 300)),
                     fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    image.save(path, "JPEG", quality=88)


def child(folder: Path, scale: float) -> None:
    from outreach_telegram.fake import FakeTelegram
    from outreach_telegram.fake.reporters import Rehearsal

    fake = FakeTelegram(folder / "fake", time_scale=scale)
    fake.start()
    print(json.dumps({"url": fake.url, "token": fake.token}), flush=True)
    order = json.loads(sys.stdin.readline())
    photos = folder / "photos"
    photos.mkdir(exist_ok=True)
    albums = []
    for reporter in range(len(order["codes"])):
        album = []
        for number in range(order["photos"]):
            path = photos / f"{reporter:03d}-{number:02d}.jpg"
            photo(reporter * 100 + number, path)
            album.append(path)
        albums.append(album)
    size = sum(p.stat().st_size for album in albums for p in album)
    print(json.dumps({"bytes": size}), flush=True)
    sys.stdin.readline()  # "go"
    for index, code in enumerate(order["codes"]):
        Rehearsal(fake.state, code, None, albums[index], f"Отчёт {index + 1}\nСубботник.",
                  None, start_after=0, approve_after=0, think=1.0,
                  reporter_id=FIRST_ID + index).start()
    sys.stdin.read()  # until the parent is done
    fake.stop()


# --- the service side ---

class Peak:
    """This process's resident memory, sampled every 20 ms (ru_maxrss covers its whole life)."""

    def __init__(self) -> None:
        self.peak = self.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def now() -> float:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.now())

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def cards(url: str) -> int:
    with urllib.request.urlopen(f"{url}/_sandbox/chats/{COORDINATORS}/messages") as answer:
        return sum(1 for m in json.load(answer)["messages"] if "photo" in m)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reporters", type=int, default=50)
    parser.add_argument("--photos", type=int, default=10)
    parser.add_argument("--scale", type=float, default=50.0)
    parser.add_argument("--url", help="database URL (default: SQLite in a temporary folder)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.scale)
        return
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        process = subprocess.Popen([sys.executable, __file__, "--child", str(folder),
                                    "--scale", str(args.scale)], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True)
        assert process.stdin is not None and process.stdout is not None
        try:
            run(args, folder, process)
        finally:
            process.stdin.close()
            process.wait(timeout=60)


def run(args: argparse.Namespace, folder: Path, process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None and process.stdout is not None
    fake = json.loads(process.stdout.readline())
    section = {"plugin": "telegram", "token_env": "TG_TOKEN", "chat_id": "@sandbox_channel",
               "api_url": fake["url"], "bot_username": "outreach_sandbox_bot",
               "intake_workers": 8, "poll_timeout": 5}
    config = make_test_config(folder / "centre", {"tg": section}, top={
        "database_url": args.url or f"sqlite:///{folder / 'outreach.db'}",
        "municipalities": ["Миасс", "Златоуст"],
        "signups": {"policy_url": "https://example.org/policy", "policy_version": "1",
                    "coordinators": {"channel": "tg", "chat": COORDINATORS}}})
    store = open_store(config.database_url)
    registry = make_registry(config, [TelegramChannel], env={"TG_TOKEN": fake["token"]})
    channel = registry.get("tg")
    channel.bot.pacer.limits = FloodLimits().scaled(args.scale)
    desk = FrontDesk(store, config, registry, StoreDesk(store, config, registry))
    channel.start_intake(desk)
    codes = [roster.invite(store, PersonRole.reporter, municipality="Миасс",
                           name=f"Автор {n}", actor="bench").code
             for n in range(args.reporters)]
    process.stdin.write(json.dumps({"codes": codes, "photos": args.photos}) + "\n")
    process.stdin.flush()
    photo_bytes = json.loads(process.stdout.readline())["bytes"]
    time.sleep(1)
    baseline = Peak.now()
    with Peak() as peak:
        started = time.perf_counter()
        process.stdin.write("go\n")
        process.stdin.flush()
        deadline = started + 600
        while cards(fake["url"]) < args.reporters and time.perf_counter() < deadline:
            time.sleep(0.2)
        seconds = time.perf_counter() - started
    with store.session() as session:
        reports = session.exec(select(func.count()).select_from(FieldReport)).one()
        photos = session.exec(select(Photo)).all()
    registry.close()
    store.dispose()
    shown = cards(fake["url"])
    expected = args.reporters * args.photos
    print(f"reporters {args.reporters} x {args.photos} photos "
          f"({photo_bytes / 1e6:.0f} MB of JPEG, fake clock x{args.scale:g})")
    print(f"  reports stored: {reports}/{args.reporters}; cards in the coordinators' chat: "
          f"{shown}; photos stored: {len(photos)}/{expected}, distinct: "
          f"{len({p.sha256 for p in photos})}")
    print(f"  seconds until the last card reached the coordinators: {seconds:.1f} "
          f"({expected / seconds:.0f} photos/s)")
    growth = peak.peak - baseline
    print(f"  service memory: baseline {baseline:.0f} MB, peak {peak.peak:.0f} MB "
          f"(+{growth:.0f} MB; {growth / (photo_bytes / 2**20):.2f} of the photos' size)")
    ok = reports == args.reporters and len(photos) == expected \
        and len({p.sha256 for p in photos}) == expected
    print(f"  every report once with every photo once: {verdict(ok)}")
    print(f"  peak memory under {TARGET_MB} MB: {verdict(peak.peak < TARGET_MB)}")


if __name__ == "__main__":
    main()
