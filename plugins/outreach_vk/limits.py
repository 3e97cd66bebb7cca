"""Every VK number the plugin and its fake rely on, in one place, with where it comes from.

The plugin paces, batches and trims by these; the fake VK enforces the same
numbers, so a rehearsal behaves like the platform. Where VK documents nothing
the value is an assumption, marked as such and explained in docs/vk.md.
"""

from __future__ import annotations

#: The API version every call sends (``v=5.199``); tests/specs holds its schema.
API_VERSION = "5.199"
#: VK refuses older versions with error 8 "Invalid request: versions below 5.81 are
#: deprecated..." and a request without ``v`` with error 8 "Invalid request: v (version) is
#: required" (VK's answers quoted in github.com/VKCOM/vk-java-sdk/issues/241 and
#: github.com/hwi/HWIOAuthBundle/pull/1349).
OLDEST_API_VERSION = (5, 81)

# --- requests per second (dev.vk.com, "API limits") ---
USER_RPS = 3  # a user token: 3 requests a second
COMMUNITY_RPS = 20  # a community token: 20 requests a second
SERVICE_RPS = 3  # a service token: treated like a user token
#: The window the plugin paces in: a little over a second, so arrivals at VK stay
#: under the limit even when the network delays one request and not the next.
PACE_WINDOW = 1.05
#: Error 6 is retried this many times (after PACE_WINDOW each); vk_api's own
#: handler retries for ever.
MAX_TOO_MANY_RETRIES = 3

# --- posts (dev.vk.com, wall.post) ---
MAX_ATTACHMENTS = 10  # "at most 10 media attachments"
#: guid: "prevents sending the same post again; valid for one hour".
GUID_TTL = 3600
#: ASSUMPTION: VK documents no longest post text. Developers report 16,384
#: characters; the fake refuses longer text with error 100.
REPORTED_MAX_TEXT = 16_384
#: What the plugin declares in its TextLimits: a margin under the reported figure.
MAX_TEXT = 16_000
#: Looking for an interrupted post: wall.get pages of this many posts (its maximum)...
WALL_SCAN = 100
#: ...at most this many pages, back to the attempt's moment less CLOCK_MARGIN seconds
#: (VK's clock and ours may differ); a wall busier than that cannot tell.
WALL_SCAN_PAGES = 5
CLOCK_MARGIN = 10 * 60
#: Posts a community may add a day: error 214 "Access to adding post denied: you can only
#: add 50 posts a day" (github.com/vknet/vk/issues/597; VkNet's error table).
WALL_POSTS_PER_DAY = 50
DAILY_POSTS_TEXT = "posts a day"  # how the daily 214 differs from "not allowed to post"
#: Methods VK limits per day (error 29 "Rate limit reached"; vk.com/dev/data_limits as
#: quoted in github.com/python273/vk_api/issues/411): the ones the plugin calls.
METHOD_CALLS_PER_DAY = {"wall.get": 5000}
#: ASSUMPTION: VK does not say where its day begins. VK is in Moscow: the plugin waits for
#: Moscow's midnight (and a margin); were VK's day a rolling 24 hours, that retry would be
#: refused once more and wait again. The fake counts Moscow's calendar day.
VK_TIME_ZONE = "Europe/Moscow"
DAILY_RETRY_MARGIN = 10 * 60

# --- reading (dev.vk.com, execute; wall.getById) ---
EXECUTE_MAX_CALLS = 25  # "up to 25 calls to API methods in one execute"
#: "If the response takes more than 5 MB, error 13 is returned with the comment 'response
#: size is too big'" (vk.com/dev/execute, quoted in github.com/negezor/vk-io/issues/447;
#: users meet it in github.com/python273/vk_api/issues/425). The fake counts the JSON of
#: the response in bytes and reads 5 MB as 5,000,000: the stricter reading.
EXECUTE_MAX_RESPONSE_BYTES = 5_000_000
#: The fields the engagement collector asks execute to return per post (VKScript's @.).
ENGAGEMENT_FIELDS = ("owner_id", "id", "views", "likes", "reposts", "comments")
#: ASSUMPTION: VK documents no upper bound on ``posts`` of wall.getById; 100
#: is what the fake accepts (more is error 100).
POSTS_PER_GET_BY_ID = 100

# --- photos (dev.vk.com/ru/api/upload/wall-photo) ---
UPLOAD_FIELD = "photo"  # "Поле POST-запроса: photo" (album uploads take file1..file5)
PHOTO_MAX_BYTES = 50 * 1024 * 1024
PHOTO_MAX_SUM = 14_000  # width + height
PHOTO_MAX_RATIO = 20
PHOTO_FORMATS = ("JPEG", "PNG", "GIF")

# --- backoffs the plugin asks the engine for, in seconds ---
CAPTCHA_RETRY_AFTER = 30 * 60  # error 14: a person may post by hand meanwhile
FLOOD_RETRY_AFTER = 60 * 60  # error 9: VK's flood control lasts long; do not bounce
TOO_MANY_RETRY_AFTER = 10  # error 6 still there after MAX_TOO_MANY_RETRIES

# --- user token rights (dev.vk.com, "Access rights": bit masks) ---
SCOPE_BITS = {"photos": 4, "wall": 8192, "offline": 65536, "groups": 262144}
#: Community token rights, as groups.getTokenPermissions names them.
COMMUNITY_SCOPE_BITS = {"photos": 4, "messages": 4096, "manage": 262144}
USER_SCOPES_NEEDED = ("wall", "photos", "groups", "offline")
COMMUNITY_SCOPES_NEEDED = ("messages",)

# --- the sign-up bot: Bots Long Poll and community messages (dev.vk.com, "Bots Long Poll
# API", messages.send, "Bot keyboards") ---
#: Seconds one long-poll request waits for events ("wait": at most 90; 25 recommended).
LONG_POLL_WAIT = 25
#: The community token's pacer serves the bot too; a long-poll request is not an API call,
#: but a failed one is retried after a backoff doubling from this up to LONG_POLL_MAX_BACKOFF.
LONG_POLL_BACKOFF = 1.0
LONG_POLL_MAX_BACKOFF = 60.0
#: messages.send: a transient failure is retried this many times (after 1, 2, 4 s).
SEND_RETRIES = 3
#: Longest message text: the docs say 4096 characters; longer replies are sent in parts.
#: (The schema's maxLength for ``message`` is 9000: the fake refuses longer with 914.)
MESSAGE_MAX_TEXT = 4096
SCHEMA_MESSAGE_MAX = 9000
#: Bot keyboards: at most 5 buttons a row, 10 rows, 40 buttons; a label is cut at 40
#: characters; a payload is at most 255 characters (dev.vk.com, "Bot keyboards").
KEYBOARD_MAX_COLUMNS = 5
KEYBOARD_MAX_ROWS = 10
KEYBOARD_MAX_BUTTONS = 40
KEYBOARD_LABEL_MAX = 40
KEYBOARD_PAYLOAD_MAX = 255
#: An inline keyboard (inside a message): at most 5 × 6, 10 buttons (same page).
INLINE_MAX_ROWS = 6
INLINE_MAX_BUTTONS = 10
#: ASSUMPTION: how long VK remembers a messages.send ``random_id`` for one peer is not
#: documented; the fake answers a repeat with the first message's id for an hour.
RANDOM_ID_TTL = 3600
#: How many people's messages the bot works on at once.
INTAKE_WORKERS = 8
#: Callback buttons (dev.vk.com, "Bot keyboards", message_event): an event_id is "active for
#: a minute"; messages.sendMessageEventAnswer's event_data is at most 1000 characters
#: (schema); a snackbar's text at most 90 characters (dev.vk.com, "Bot keyboards":
#: show_snackbar "text — текст для показа, не более 90 символов").
EVENT_TTL = 60
EVENT_DATA_MAX = 1000
SNACKBAR_MAX = 90
#: messages.edit: a message older than 24 hours cannot be edited (error 909).
EDIT_MAX_AGE = 24 * 3600
#: The largest file the bot downloads from a message: VK's own limit for a photo
#: (50 MB, dev.vk.com upload docs), so no photo VK holds is refused; a document (up to
#: 200 MB at VK) over it is refused with the reason.
DOWNLOAD_MAX = PHOTO_MAX_BYTES
#: Peer ids of conversations (chats) start here (dev.vk.com, messages.send: peer_id).
CHAT_PEER_BASE = 2_000_000_000
