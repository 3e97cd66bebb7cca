"""Every MAX number the plugin and its fake rely on, in one place, with where it comes from.

The schema is MAX's OpenAPI description (tests/specs/max-bot-api/schema.json,
Max Bot API 0.0.33); "docs" is MAX's developer documentation, dev.max.ru.
Where MAX documents nothing the value is an assumption, marked as such and
explained in docs/max.md.
"""

from __future__ import annotations

#: The API's address (schema, info.description; dev.max.ru/docs-api: "direct requests to
#: platform-api2.max.ru instead of platform-api.max.ru").
API_URL = "https://platform-api2.max.ru"

# --- requests per second (dev.max.ru FAQ: "at most 30 rps on platform-api.max.ru") ---
RPS = 30
#: The plugin paces at a little under the limit, in windows a little over a second,
#: so arrivals at MAX stay under it even when the network delays one request.
PACE_RATE = 29
PACE_WINDOW = 1.05
#: Posts one channel publishes at once: while one waits for MAX to process its photos
#: the others go on; all share the token's pacer.
CONCURRENCY = 4
#: HTTP 429 is retried this many times inside one call (after Retry-After, or a window).
MAX_TOO_MANY_RETRIES = 3
#: ASSUMPTION: MAX documents no Retry-After on its 429; without one the engine waits this.
TOO_MANY_RETRY_AFTER = 10

# --- messages (schema, NewMessageBody) ---
MAX_TEXT = 4000  # NewMessageBody.text maxLength
#: ASSUMPTION: MAX documents no longest list of attachments; its clients show albums of
#: up to 10 photos, and the fake refuses more (400) so the plugin never sends them.
MAX_PHOTOS = 10
#: "It may take time for the server to process your file ... the last step will fail with
#: 400 error. Try to send a message again" (schema, POST /messages): the error code is
#: ``attachment.not.ready``. The plugin retries this many times, waiting longer each time.
NOT_READY_RETRIES = 5
NOT_READY_WAIT = 0.2  # seconds before the first retry; doubles each time (6 s in all)
NOT_READY_CODE = "attachment.not.ready"

# --- photos (schema, POST /uploads: "image — JPG, JPEG, PNG, GIF, TIFF, BMP, HEIC; up to
# 50 MB AND no more than 7680 x 7680 px") ---
PHOTO_MAX_BYTES = 50 * 1024 * 1024
PHOTO_MAX_SIDE = 7680
PHOTO_FORMATS = ("JPEG", "PNG", "GIF")  # of MAX's formats, those Pillow writes well
#: ASSUMPTION: MAX documents no limit on what a bot downloads from an attachment's ``url``;
#: the plugin takes up to what MAX takes as one image (50 MB), streamed, never more.
DOWNLOAD_MAX = PHOTO_MAX_BYTES
DOWNLOAD_TIMEOUT = 120  # seconds for one file: 50 MB on a slow line

# --- reading (schema, GET /messages: count 1..100, message_ids a comma-separated list) ---
MESSAGES_PER_GET = 100
#: reconcile() looks for the post's text among this many recent channel messages.
HISTORY_SCAN = 100

# --- the sign-up bot (schema, GET /updates and info.description) ---
#: Seconds one long poll waits (timeout: 0..90, default 30).
LONG_POLL_WAIT = 30
LONG_POLL_LIMIT = 100  # updates a poll returns (limit: 1..1000, default 100)
#: "Minimum polling time - 300ms" (schema, info.description, Updates).
MIN_POLL_INTERVAL = 0.3
LONG_POLL_BACKOFF = 1.0  # first pause after a failed poll; doubles up to the maximum
LONG_POLL_MAX_BACKOFF = 60.0
#: Deep-link payloads: "up to 128 characters long. Longer strings will be omitted"
#: (schema, info.description, Deep linking).
START_PAYLOAD_MAX = 128
#: Button text is 1..128 characters; a callback payload at most 1024 (schema, Button,
#: CallbackButton).
BUTTON_TEXT_MAX = 128
CALLBACK_PAYLOAD_MAX = 1024
#: ASSUMPTION: MAX documents no longest keyboard; the plugin shows at most this many buttons.
KEYBOARD_MAX_BUTTONS = 30
SEND_RETRIES = 3  # a reply that fails transiently is sent again this many times
INTAKE_WORKERS = 8  # people whose messages are handled at once
#: Update types the sign-up bot asks for (schema, Update's discriminator).
UPDATE_TYPES = ("bot_started", "message_created", "message_callback")

# --- webhooks (schema, SubscriptionRequestBody: secret sent in this header) ---
SECRET_HEADER = "X-Max-Bot-Api-Secret"
