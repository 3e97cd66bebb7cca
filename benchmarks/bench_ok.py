"""OK: publishing at the plugin's request rate, and refreshing the engagement of many topics.

Runs the OK plugin's client against the fake OK on 127.0.0.1, which answers
FLOOD_BLOCKED above 5 requests a second per token (OK publishes no figure:
an assumption, outreach_ok.limits.RPS, listed in docs/ok.md).

1. Publish N posts (default 100) with 3 photos each (getUploadUrl, one upload,
   mediatopic.post: 3 requests a post): requests per second against the 5/s
   rate (target >= 0.9: the plugin paces a little under it) and FLOOD_BLOCKED
   answers (target 0).
2. Refresh the engagement of 10,000 group topics: requests used (target at most
   100, one mediatopic.getByIds per 100 topics; the baseline is one a topic).

    python benchmarks/bench_ok.py [--posts 100] [--refresh 10000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import verdict

TARGET_RATIO = 0.9
TARGET_REQUESTS = 100


def _channel(folder: Path, fake: object) -> object:
    from outreach_ok import OKChannel
    from outreach_testing import make_registry, make_test_config

    described = fake.describe()  # type: ignore[attr-defined]
    config = make_test_config(folder, {"ok": {
        "plugin": "ok", "group_id": described["group_id"],
        "application_id": int(described["application_id"]),
        "application_key": described["application_key"], "api_url": described["api_url"],
        "access_token_env": "OK_ACCESS_TOKEN", "secret_key_env": "OK_SECRET_KEY"}})
    return make_registry(config, [OKChannel], env={
        "OK_ACCESS_TOKEN": described["access_token"],
        "OK_SECRET_KEY": described["secret_key"]}).get("ok")


def publish(posts: int) -> dict[str, float]:
    from PIL import Image

    from outreach.channels import Post, PostPhoto
    from outreach_ok import limits
    from outreach_ok.fake import FakeOK

    with tempfile.TemporaryDirectory() as name, FakeOK(seed="bench") as fake:
        folder = Path(name)
        photos = []
        for index in range(3):
            path = folder / f"photo-{index}.jpg"
            Image.new("RGB", (1280, 960), (40 * index, 120, 90)).save(path, quality=85)
            photos.append(PostPhoto(path=path, caption=f"photo {index}"))
        channel = _channel(folder, fake)
        started = time.perf_counter()
        for number in range(posts):
            channel.publish(Post(  # type: ignore[attr-defined]
                publication_id=number, idempotency_key=f"bench-{number}",
                text=f"Bench post {number}", title="b", photos=photos))
        took = time.perf_counter() - started
        requests = len(fake.responses)
        rate = requests / took
        ratio = rate / limits.RPS
        print(f"publish: {posts} posts x 3 photos in {took:.1f} s; {requests} requests "
              f"({requests / posts:.1f} a post), {rate:.2f} requests/s")
        print(f"  against the rate of {limits.RPS}/s: {ratio:.3f} "
              f"(target >= {TARGET_RATIO}: {verdict(ratio >= TARGET_RATIO)}); FLOOD_BLOCKED "
              f"answers: {fake.flood_answers} (target 0: {verdict(fake.flood_answers == 0)})")
        return {"ratio": ratio, "flood": fake.flood_answers, "seconds": took}


def refresh(count: int) -> dict[str, float]:
    from outreach_ok.fake import FakeOK

    with tempfile.TemporaryDirectory() as name, FakeOK(seed="bench", speed=1000) as fake:
        ids = fake.add_topics(count)
        channel = _channel(Path(name), fake)
        fake.responses.clear()
        started = time.perf_counter()
        found = channel.engagement(ids)  # type: ignore[attr-defined]
        took = time.perf_counter() - started
        requests = len(fake.responses)
        assert len(found) == count, "some topics were not read"
        print(f"engagement: {count} topics read with {requests} requests in {took:.2f} s "
              f"(one request a topic: {count}; {count / requests:.0f}x fewer); "
              f"target at most {TARGET_REQUESTS}: {verdict(requests <= TARGET_REQUESTS)}; "
              f"FLOOD_BLOCKED answers: {fake.flood_answers}")
        return {"requests": requests, "seconds": took}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100, help="posts to publish (100)")
    parser.add_argument("--refresh", type=int, default=10_000, help="topics to refresh")
    arguments = parser.parse_args()
    refresh(arguments.refresh)
    publish(arguments.posts)
