"""Every OK number the plugin and its fake rely on, in one place, with where it comes from.

The plugin paces, batches and trims by these; the fake OK enforces the same
numbers. Where OK's documentation (apiok.ru) names no figure the value is an
assumption, marked ASSUMPTION and listed in docs/ok.md.
"""

from __future__ import annotations

#: The REST endpoint (apiok.ru/dev/methods: "{api_server}fb.do?method=..."; without
#: api_server, https://api.ok.ru/).
API_URL = "https://api.ok.ru"
ENDPOINT = "/fb.do"

# --- permissions (apiok.ru/dev/methods/rest/mediatopic/mediatopic.post: gid "requires
# GROUP_CONTENT"; photosV2.getUploadUrl: "Required permissions: PHOTO_CONTENT";
# apiok.ru/ext/oauth/permissions: VALUABLE_ACCESS, LONG_ACCESS_TOKEN) ---
GROUP_CONTENT = "GROUP_CONTENT"
PHOTO_CONTENT = "PHOTO_CONTENT"
VALUABLE_ACCESS = "VALUABLE_ACCESS"
LONG_ACCESS_TOKEN = "LONG_ACCESS_TOKEN"
#: What the channel needs: posting to the group, uploading its photos, reading
#: topics and the group, and a token that does not expire within the hour.
PERMISSIONS_NEEDED = (GROUP_CONTENT, PHOTO_CONTENT, VALUABLE_ACCESS, LONG_ACCESS_TOKEN)
#: The permission each method needs, as its page lists it.
METHOD_PERMISSION = {
    "mediatopic.post": GROUP_CONTENT,
    "photosV2.getUploadUrl": PHOTO_CONTENT,
}

# --- topics (apiok.ru/dev/methods/rest/mediatopic/mediatopic.post; error codes 5000-5006,
# apiok.ru/dev/errors: MEDIA_TOPIC_BLOCK_LIMIT, MEDIA_TOPIC_TEXT_LIMIT) ---
#: ASSUMPTION: OK documents the error for a too-long text (5001) but not the length;
#: the fake refuses text longer than this.
REPORTED_MAX_TEXT = 10_000
#: What the plugin declares in its TextLimits: a margin under the fake's figure.
MAX_TEXT = 9_500
#: ASSUMPTION: how many photos one topic's photo block takes is not documented
#: (error 5000 says "too many blocks"); the fake takes this many, like VK's 10.
MAX_PHOTOS = 10
#: The public address of a group topic (the address OK shows for a topic).
TOPIC_URL = "https://ok.ru/group/{gid}/topic/{topic_id}"

# --- photos (apiok.ru/dev/methods/rest/photosV2/photosV2.getUploadUrl, "count": how many
# photos to upload; apiok.ru/dev/examples/photo_upload: files pic1, pic2...) ---
PHOTO_FORMATS = ("JPEG", "PNG", "GIF")
#: ASSUMPTION: OK's upload page names no size limit; the fake refuses more than this.
PHOTO_MAX_BYTES = 20 * 1024 * 1024
PHOTO_MAX_SIDE = 4096  # what the plugin renders to: plenty for a feed on a slow line

# --- reading (apiok.ru/dev/methods/rest/mediatopic/mediatopic.getByIds: topic_ids) ---
#: ASSUMPTION: the page names no upper bound on topic_ids; the fake takes 100 a call.
TOPICS_PER_GET_BY_IDS = 100
#: reconcile() looks for an interrupted post among this many of the group's newest topics
#: (mediatopic.getTopics, "count").
TOPICS_SCAN = 50

# --- rate (apiok.ru/dev/errors: 8 FLOOD_BLOCKED, 11 LIMIT_REACHED; OK publishes no
# per-second figure) ---
#: ASSUMPTION: the fake answers FLOOD_BLOCKED above this many requests a second per
#: token; the plugin paces under it.
RPS = 5
PACE_WINDOW = 1.05
#: FLOOD_BLOCKED is waited out this many times (PACE_WINDOW each) before the engine is told.
MAX_FLOOD_RETRIES = 3
FLOOD_RETRY_AFTER = 60  # seconds the engine waits after FLOOD_BLOCKED persists
LIMIT_RETRY_AFTER = 60 * 60  # LIMIT_REACHED: a daily quota of a method; try in an hour
TIMEOUT = (10, 60)  # connect, read seconds: a silent network must not hang a worker
