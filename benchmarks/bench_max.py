"""MAX: publishing at MAX's documented request limit, and refreshing the views of many posts.

Runs the MAX plugin's client against the fake MAX on 127.0.0.1, which enforces
30 requests a second per token (429 beyond; dev.max.ru FAQ: "30 rps").

1. Publish N posts (default 100) with 3 photos each, as many at once as the
   channel's ``max_concurrency`` (the dispatcher's workers): API requests per
   second achieved against the 30/s limit (target >= 0.85: the plugin paces a
   little under the limit) and the 429 answers (target 0). The fake makes each
   photo ready 0.1 s after its upload, so a post sent at once waits for it.
2. Refresh the views of 10,000 channel posts: HTTP requests used (target at
   most 100, one GET /messages per 100 posts; the baseline is one request a
   post) and wall time.

    python benchmarks/bench_max.py [--posts 100] [--refresh 10000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import verdict

TARGET_RATIO = 0.85
TARGET_REQUESTS = 100


def _channel(folder: Path, fake: object) -> object:
    from outreach_max import MaxChannel
    from outreach_testing import make_registry, make_test_config

    described = fake.describe()  # type: ignore[attr-defined]
    config = make_test_config(folder, {"max": {
        "plugin": "max", "chat_id": int(described["chat_id"]), "api_url": described["api_url"],
        "token_env": "MAX_BOT_TOKEN", "bot_name": described["bot_name"]}})
    return make_registry(config, [MaxChannel],
                         env={"MAX_BOT_TOKEN": described["token"]}).get("max")


def publish(posts: int) -> dict[str, float]:
    from PIL import Image

    from outreach.channels import Post, PostPhoto
    from outreach_max import limits
    from outreach_max.fake import FakeMax

    with tempfile.TemporaryDirectory() as name, FakeMax(seed="bench") as fake:
        folder = Path(name)
        photos = []
        for index in range(3):
            path = folder / f"photo-{index}.jpg"
            Image.new("RGB", (1280, 960), (40 * index, 120, 90)).save(path, quality=85)
            photos.append(PostPhoto(path=path, caption=f"photo {index}"))
        channel = _channel(folder, fake)
        started = time.perf_counter()
        # As the dispatcher does: max_concurrency publish calls to the channel at once.
        with ThreadPoolExecutor(channel.max_concurrency) as pool:  # type: ignore[attr-defined]
            list(pool.map(lambda number: channel.publish(Post(  # type: ignore[attr-defined]
                publication_id=number, idempotency_key=f"bench-{number}",
                text=f"Bench post {number}", title="b", photos=photos)), range(posts)))
        took = time.perf_counter() - started
        api = [op for op, _, _ in fake.responses if op != "upload"]
        waits = sum(1 for op, status, _ in fake.responses
                    if op == "POST /messages" and status == 400)
        rate = len(api) / took
        ratio = rate / limits.RPS
        print(f"publish: {posts} posts x 3 photos in {took:.1f} s; {len(api)} API requests "
              f"({len(api) / posts:.1f} a post, {waits} 'not ready yet' answers), "
              f"{rate:.2f} requests/s")
        print(f"  against MAX's limit of {limits.RPS}/s: {ratio:.3f} "
              f"(target >= {TARGET_RATIO}: {verdict(ratio >= TARGET_RATIO)}); "
              f"429 answers: {fake.too_many} (target 0: {verdict(fake.too_many == 0)})")
        return {"ratio": ratio, "too_many": fake.too_many, "seconds": took}


def refresh(count: int) -> dict[str, float]:
    from outreach_max.fake import FakeMax

    with tempfile.TemporaryDirectory() as name, FakeMax(seed="bench", speed=1000) as fake:
        ids = fake.add_posts(count)
        channel = _channel(Path(name), fake)
        fake.responses.clear()
        started = time.perf_counter()
        found = channel.engagement(ids)
        took = time.perf_counter() - started
        requests = len(fake.responses)
        assert len(found) == count, "some posts were not read"
        print(f"views: {count} posts read with {requests} HTTP requests in {took:.2f} s "
              f"(one request a post: {count}; {count / requests:.0f}x fewer); "
              f"target at most {TARGET_REQUESTS}: {verdict(requests <= TARGET_REQUESTS)}; "
              f"429 answers: {fake.too_many}")
        return {"requests": requests, "seconds": took}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100, help="posts to publish (100)")
    parser.add_argument("--refresh", type=int, default=10_000, help="posts to refresh")
    arguments = parser.parse_args()
    refresh(arguments.refresh)
    publish(arguments.posts)
