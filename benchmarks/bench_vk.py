"""VK: publishing at VK's real request limit, and refreshing the engagement of many posts.

Runs the VK plugin through the real vk_api client against the fake VK on
127.0.0.1, which enforces 3 requests a second per user token (error 6 beyond).

1. Publish N posts (default 100) with 3 photos each: API requests per second
   achieved against the 3/s limit (target >= 0.9) and the error-6 answers
   (target 0).
2. Refresh the engagement of 10,000 posts with 10 photos each, with VK's 5 MB
   limit on an execute answer enforced: HTTP requests used (target under 10)
   and wall time, against the baseline of execute returning whole posts
   (halved on error 13), measured in the same run.

    python benchmarks/bench_vk.py [--posts 100] [--refresh 10000] [--photos 10]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from common import verdict

TARGET_RATIO = 0.9
TARGET_REQUESTS = 10


def _channel(folder: Path, fake: object) -> object:
    from outreach_testing import make_registry, make_test_config
    from outreach_vk import VKChannel

    described = fake.describe()  # type: ignore[attr-defined]
    config = make_test_config(folder, {"vk": {
        "plugin": "vk", "group_id": int(described["group_id"]), "api_url": described["api_url"],
        "user_token_env": "VK_USER_TOKEN"}})
    return make_registry(config, [VKChannel],
                         env={"VK_USER_TOKEN": described["user_token"]}).get("vk")


def publish(posts: int) -> dict[str, float]:
    from PIL import Image

    from outreach.channels import Post, PostPhoto
    from outreach_vk import limits
    from outreach_vk.fake import FakeVK

    with tempfile.TemporaryDirectory() as name, FakeVK(seed="bench") as fake:
        folder = Path(name)
        photos = []
        for index in range(3):
            path = folder / f"photo-{index}.jpg"
            Image.new("RGB", (1280, 960), (40 * index, 120, 90)).save(path, quality=85)
            photos.append(PostPhoto(path=path, caption=f"photo {index}"))
        channel = _channel(folder, fake)
        started = time.perf_counter()
        for number in range(posts):
            channel.publish(Post(publication_id=number, idempotency_key=f"bench-{number}",
                                 text=f"Bench post {number}", title="b", photos=photos))
        took = time.perf_counter() - started
        api = [m for m, _ in fake.responses if m != "upload"]
        rate = len(api) / took
        ratio = rate / limits.USER_RPS
        print(f"publish: {posts} posts x 3 photos in {took:.1f} s; {len(api)} API requests "
              f"({len(api) / posts:.0f} a post), {rate:.2f} requests/s")
        print(f"  against VK's limit of {limits.USER_RPS}/s: {ratio:.3f} "
              f"(target >= {TARGET_RATIO}: {verdict(ratio >= TARGET_RATIO)}); "
              f"error-6 answers: {fake.too_many} (target 0: {verdict(fake.too_many == 0)})")
        return {"ratio": ratio, "too_many": fake.too_many, "seconds": took}


def _whole_posts(channel: object, ids: list[str]) -> int:
    """The baseline: execute returning whole posts (text, photos), halved on error 13, as the
    collector read them before it asked for the counts only. Requests used."""
    import json

    from outreach_vk import limits
    from outreach_vk.client import ResponseTooBig
    from outreach_vk.engagement import chunks

    used, most, pending = 0, limits.EXECUTE_MAX_CALLS * limits.POSTS_PER_GET_BY_ID, list(ids)
    while pending:
        part = pending[:most]
        calls = [f"API.wall.getById({json.dumps({'posts': ','.join(batch)})})"
                 for batch in chunks(part, min(limits.POSTS_PER_GET_BY_ID, len(part)))]
        used += 1
        try:
            code = f"return [{','.join(calls)}];"
            channel._call("user", "execute", {"code": code})  # type: ignore[attr-defined]
        except ResponseTooBig:
            most = max(1, most // 2)
            continue
        pending = pending[len(part):]
    return used


def refresh(count: int, photos: int) -> dict[str, float]:
    from outreach_vk import limits
    from outreach_vk.fake import FakeVK

    with tempfile.TemporaryDirectory() as name, FakeVK(seed="bench", speed=1000) as fake:
        ids = fake.add_posts(count, photos=photos)
        channel = _channel(Path(name), fake)
        fake.responses.clear()
        started = time.perf_counter()
        found = channel.engagement(ids)  # type: ignore[attr-defined]
        took = time.perf_counter() - started
        answers = [body for m, body in fake.responses if m == "execute"]
        requests = len(answers)
        refused = sum(1 for body in answers if "error" in body)
        biggest = max(len(json.dumps(body.get("response"), ensure_ascii=False).encode())
                      for body in answers)
        assert len(found) == count, "some posts were not read"
        fake.responses.clear()
        started = time.perf_counter()
        baseline = _whole_posts(channel, ids)
        baseline_took = time.perf_counter() - started
        print(f"engagement: {count} posts with {photos} photos each, VK's limit of "
              f"{limits.EXECUTE_MAX_RESPONSE_BYTES:,} bytes an execute answer on")
        print(f"  counts only (@.): {requests} HTTP requests ({refused} refused with error 13) "
              f"in {took:.2f} s; the biggest answer {biggest:,} bytes")
        print(f"  baseline, whole posts halved on error 13: {baseline} requests in "
              f"{baseline_took:.2f} s ({baseline / requests:.1f}x the requests); one request "
              f"a post: {count}")
        print(f"  target under {TARGET_REQUESTS} requests: {verdict(requests < TARGET_REQUESTS)}")
        return {"requests": requests, "seconds": took, "baseline_requests": baseline}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100, help="posts to publish (100)")
    parser.add_argument("--refresh", type=int, default=10_000, help="posts to refresh")
    parser.add_argument("--photos", type=int, default=10, help="photos a post (10)")
    arguments = parser.parse_args()
    refresh(arguments.refresh, arguments.photos)
    publish(arguments.posts)
