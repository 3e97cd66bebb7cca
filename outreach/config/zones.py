"""Time zones as people write them: IANA names, or Moscow time and its offsets.

Every Russian knows "МСК" and "МСК+2" (Moscow time plus two hours, UTC+5):
the broadcast and railway timetables use them. Each becomes the IANA zone of a
city on that offset, so a campaign's times and its listings read naturally. The
cities that name Russia's zones are taken by their Russian names too.
Russia keeps no daylight-saving time since 2014, so each of these cities is
always MSK+n = UTC+3+n.
"""

from __future__ import annotations

import re
import zoneinfo

# MSK+n: one IANA zone of Russia on that offset (UTC+3+n).
MSK_ZONES = {
    -1: "Europe/Kaliningrad",
    0: "Europe/Moscow",
    1: "Europe/Samara",
    2: "Asia/Yekaterinburg",
    3: "Asia/Omsk",
    4: "Asia/Krasnoyarsk",
    5: "Asia/Irkutsk",
    6: "Asia/Yakutsk",
    7: "Asia/Vladivostok",
    8: "Asia/Magadan",
    9: "Asia/Kamchatka",
}
# The cities that name Russia's IANA zones, as Russians write them: "Екатеринбург".
CITY_ZONES = {
    "калининград": "Europe/Kaliningrad", "москва": "Europe/Moscow", "киров": "Europe/Kirov",
    "волгоград": "Europe/Volgograd", "астрахань": "Europe/Astrakhan",
    "саратов": "Europe/Saratov", "ульяновск": "Europe/Ulyanovsk", "самара": "Europe/Samara",
    "екатеринбург": "Asia/Yekaterinburg", "омск": "Asia/Omsk",
    "новосибирск": "Asia/Novosibirsk", "барнаул": "Asia/Barnaul", "томск": "Asia/Tomsk",
    "новокузнецк": "Asia/Novokuznetsk", "красноярск": "Asia/Krasnoyarsk",
    "иркутск": "Asia/Irkutsk", "чита": "Asia/Chita", "якутск": "Asia/Yakutsk",
    "владивосток": "Asia/Vladivostok", "магадан": "Asia/Magadan",
    "сахалин": "Asia/Sakhalin", "камчатка": "Asia/Kamchatka", "анадырь": "Asia/Anadyr",
}
_MSK = re.compile(r"^\s*(?:мск|msk)\s*(?:([+\-−–])\s*(\d{1,2})\s*(?:ч|h)?)?\s*$", re.I)


def iana_zone(value: str) -> str | None:
    """The IANA name of the zone ``value`` names ("МСК+2", "Екатеринбург",
    "Europe/Moscow"), or None."""
    if (city := CITY_ZONES.get(value.strip().lower().replace("ё", "е"))) is not None:
        return city
    if match := _MSK.match(value):
        sign, hours = match.groups()
        offset = 0 if hours is None else int(hours) * (1 if sign == "+" else -1)
        return MSK_ZONES.get(offset)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return value
