"""The designs: a sheet (A4, A3) for one story, a social card, a billboard, a stand.

The billboard follows outdoor designers' rules for a board passed at speed
(docs/posters.md names them): one face, at most seven words, the phone number
in letters at least a sixth of the board's height, the logo and the slogan;
no QR code and no small print unless the format asks for them.
"""

from __future__ import annotations

import math

from outreach.channels import N_, _
from outreach_local_media.posters.composer import (
    BLUE,
    INK,
    SHADE,
    WHITE,
    YELLOW,
    Composer,
    Report,
    credit_line,
)
from outreach_local_media.posters.page import Box
from outreach_local_media.posters.photos import best_portrait, portrait_crop, upright_size
from outreach_local_media.posters.textfit import BOLD, fit_text, font

PHONE_SHARE = 1 / 6  # of the board's height: the least height of the phone's digits
SECTION_NEWS = N_("News from {municipality}")
SECTION_NEWS_ANY = N_("Our recent news")
SECTION_EVENTS = N_("Coming up")
NO_EVENTS = N_("Ask about the next meeting by phone: {phone}")
STAND_REPORTS = 4
STAND_EVENTS = 4
CARD_PHOTOS = 2
MIN_RATIO, MAX_RATIO = 3 / 4, 16 / 9  # a report's photo frame: its own shape, within these


def compose(composer: Composer) -> None:
    """Lay out the page in the design the format names."""
    design = composer.layout.design
    if design == "billboard":
        billboard(composer)
    elif design == "stand":
        stand(composer)
    elif design == "card" or composer.layout.shape == "square":
        card(composer)
    elif composer.layout.shape == "landscape":
        landscape(composer)
    else:
        portrait(composer)


# --- a sheet for one story ---------------------------------------------------------


def portrait(c: Composer) -> None:
    w, h, content = c.width, c.height, c.content
    m = c.u(6)
    c.header((m, round(0.035 * h), w - m, round(0.105 * h)))
    c.fill((m, round(0.118 * h), w - m, round(0.118 * h + 0.5 * c.unit)), BLUE)
    call_top, foot_top = round(0.735 * h), round(0.94 * h)
    if content.photos:
        c.photos((m, round(0.14 * h), w - m, round(0.475 * h)))
        c.credit((m, round(0.478 * h), w - m, round(0.5 * h)))
        c.text("headline", content.title, (m, round(0.51 * h), w - m, round(0.645 * h)),
               bold=True, max_u=9, min_u=3.6, max_lines=4)
        c.text("line", content.line, (m, round(0.655 * h), w - m, round(0.725 * h)),
               max_u=4.2, min_u=2.5, max_lines=3)
    else:
        block = (0, round(0.14 * h), w, round(0.56 * h))
        c.fill(block, BLUE)
        c.text("headline", content.title, (m, block[1] + m, w - m, block[3] - m), bold=True,
               max_u=13, min_u=4, fill=WHITE, valign="middle", max_lines=6)
        c.text("line", content.line, (m, round(0.585 * h), w - m, round(0.72 * h)),
               max_u=5.5, min_u=2.8, valign="middle", max_lines=4)
    c.call_band((0, call_top, w, foot_top))
    c.footer((0, foot_top, w, h))


def landscape(c: Composer) -> None:
    w, h, content = c.width, c.height, c.content
    m = c.u(5)
    split = round(w * 0.5) if content.photos else 0
    if content.photos:
        c.photos((0, 0, split, h))
        c.credit((0, h - c.u(4), split, h), over=True)
    else:
        split = round(w * 0.42)
        c.fill((0, 0, split, h), BLUE)
        c.text("headline", content.title, (m, m, split - m, h - m), bold=True, max_u=14,
               min_u=4, fill=WHITE, valign="middle", max_lines=6)
    left = split + m
    c.header((left, round(0.04 * h), w - m, round(0.17 * h)))
    if content.photos:
        c.text("headline", content.title, (left, round(0.2 * h), w - m, round(0.46 * h)),
               bold=True, max_u=11, min_u=4, max_lines=3)
        c.text("line", content.line, (left, round(0.47 * h), w - m, round(0.55 * h)),
               max_u=5, min_u=2.8, max_lines=2)
    else:
        c.text("line", content.line, (left, round(0.2 * h), w - m, round(0.52 * h)),
               max_u=7, min_u=3, valign="middle", max_lines=4)
    c.call_band((split, round(0.58 * h), w, round(0.9 * h)))
    c.footer((split, round(0.9 * h), w, h))


def card(c: Composer) -> None:
    """The square social card: the centre's logo and name on top, then the story."""
    w, h, content = c.width, c.height, c.content
    m = c.u(5)
    if content.photos:
        c.header((m, c.u(2), w - m, round(0.11 * h)), max_u=3.4)
        # Two frames of about 4:3 side by side: a photo keeps almost all of itself.
        photos = (0, round(0.12 * h), w, round(0.47 * h))
        c.photos(photos, most=CARD_PHOTOS)
        c.credit((m, photos[3], w - m, round(0.5 * h)), max_u=2.2, min_u=1.6)
        c.text("headline", content.title, (m, round(0.515 * h), w - m, round(0.67 * h)),
               bold=True, max_u=7.5, min_u=3.4, max_lines=3, valign="middle")
    else:
        c.fill((0, 0, w, round(0.66 * h)), BLUE)
        c.header((m, m, w - m, round(0.16 * h)), fill=WHITE)
        c.text("headline", content.title, (m, round(0.2 * h), w - m, round(0.62 * h)),
               bold=True, max_u=10, min_u=4, fill=WHITE, valign="middle", max_lines=5)
    c.call_band((0, round(0.68 * h), w, round(0.93 * h)), qr_share=1.0)
    c.footer((0, round(0.93 * h), w, h))


# --- the billboard -----------------------------------------------------------------


def billboard(c: Composer) -> None:
    """6 x 3 m, read in five seconds from a car: one face, a few words, the phone."""
    w, h, content = c.width, c.height, c.content
    m = c.u(4)
    portrait_path = best_portrait(content.photos)
    split = round(w * 0.28) if portrait_path is not None else 0
    if portrait_path is not None:
        c.photo(portrait_path, (0, 0, split, h), portrait_crop)
        # The credit of the photo shown, legible from the road like the rest.
        index = list(content.photos).index(portrait_path)
        credits = list(content.credits)
        shown = [credits[index]] if index < len(credits) else credits[:1]
        c.credit((0, h - c.u(5), split, h), shown, over=True, max_u=3.2, min_u=2.4)
    left, right = split + m, w - m
    c.header((left, c.u(4), right, c.u(16)), max_u=5)
    headline = content.billboard_headline or content.call_to_action
    c.text("headline", headline, (left, c.u(19), right, c.u(44)), bold=True, max_u=14,
           min_u=6, fill=INK, max_lines=2, valign="middle")
    c.text("slogan", content.slogan, (left, c.u(45), right, c.u(53)), bold=True, max_u=6,
           min_u=3, fill=BLUE, max_lines=1, valign="middle")
    band = (split, c.u(56), w, h)
    c.fill(band, YELLOW)
    text_right = right
    if content.link and c.layout.qr:
        inner = (left, band[1] + c.u(3), right, h - c.u(3))
        side = inner[3] - inner[1]
        text_right = c.qr(inner, side - c.u(5), c.u(5))[0] - c.u(3)
    phone(c, (left, band[1] + c.u(2), text_right, h - c.u(2)))


def split_phone(number: str) -> tuple[str, str]:
    """("+7 (351)", "000-00-00"): the area code and the local number, which carries the
    last seven digits (a number with fewer is all local)."""
    digits = [i for i, char in enumerate(number) if char.isdigit()]
    if len(digits) <= 7:
        return "", number.strip()
    cut = digits[-7]
    return number[:cut].strip(" -"), number[cut:].strip()


def cap_height(size: int) -> int:
    """The height of a digit in DejaVu Sans Bold at ``size`` pixels."""
    box = font(BOLD, size).getbbox("0")
    return round(box[3] - box[1])


def phone(c: Composer, box: Box) -> None:
    """The phone in digits at least a sixth of the board high: the whole number on one
    line when it fits, else the area code small above the local number."""
    number = c.printable("phone", c.content.phone, bold=True)
    if not number:
        return
    left, top, right, bottom = box
    need = math.ceil(c.height * PHONE_SHARE)
    size = _size_for_cap(need)
    face = font(BOLD, size)
    prefix, local = ("", number) if face.getlength(number) <= right - left else split_phone(
        number)
    if face.getlength(local) > right - left:
        size = _size_for_width(local, right - left, size)
        c.warnings.append(_(
            "the phone number {phone} is too long for the {format} format: its digits are "
            "{height} cm high (from a car they need {need} cm); a shorter number reads "
            "better").format(phone=local, format=c.layout.name,
                             height=f"{_cm(c, cap_height(size)):.0f}",
                             need=f"{_cm(c, need):.0f}"))
    fitted = fit_text(local, right - left, bottom - top, BOLD, size, size, 1)
    line_h = fitted.line_height
    if prefix:
        small = fit_text(prefix, right - left, bottom - top - line_h, BOLD, size // 2,
                         size // 3, 1)
        block = small.line_height + line_h
        y = top + max(0, (bottom - top - block) // 2)
        c.put("prefix", small, (left, y, right, y + small.line_height), INK)
        c.put("phone", fitted, (left, y + small.line_height, right, y + block), INK)
    else:
        c.put("phone", fitted, box, INK, valign="middle")


def _size_for_cap(cap: int) -> int:
    size = max(1, round(cap / 0.73))
    while cap_height(size) < cap:
        size += 1
    return size


def _size_for_width(text: str, width: int, start: int) -> int:
    size = start
    while size > 1 and font(BOLD, size).getlength(text) > width:
        size -= max(1, size // 50)
    return size


def _cm(c: Composer, pixels: int) -> float:
    return pixels / c.layout.dpi * 2.54


# --- the stand ---------------------------------------------------------------------


def stand(c: Composer) -> None:
    """1000 x 1400 mm at a pension-fund or social-protection office: the municipality's
    recent reports, the meetings ahead, how to reach the centre."""
    w, h, content = c.width, c.height, c.content
    m = c.u(5)
    c.header((m, round(0.02 * h), w - m, round(0.085 * h)), max_u=4.2)
    c.fill((m, round(0.093 * h), w - m, round(0.093 * h) + c.u(0.5)), BLUE)
    title = (_(SECTION_NEWS).format(municipality=content.municipality)
             if content.municipality else _(SECTION_NEWS_ANY))
    c.text("section", title, (m, round(0.1 * h), w - m, round(0.14 * h)), bold=True,
           max_u=4.4, min_u=2.5, fill=BLUE, max_lines=1, valign="middle")
    reports = list(content.reports)[:STAND_REPORTS] or [
        Report(content.title, content.photos[0] if content.photos else None,
               credit=credit_line(content.credits))]
    cards = _report_cards((m, round(0.15 * h), w - m, round(0.6 * h)), len(reports), c.u(3))
    for report, (box, wide) in zip(reports, cards, strict=True):
        _report(c, report, box, wide)
    _events(c, (m, round(0.615 * h), w - m, round(0.78 * h)))
    c.call_band((0, round(0.795 * h), w, round(0.95 * h)), address=True, qr_share=1.0,
                label_u=4.2)
    c.footer((0, round(0.95 * h), w, h))


def _report_cards(box: Box, count: int, gap: int) -> list[tuple[Box, bool]]:
    """(card, wide) for each report: two side by side (photo above its words), or one
    under another (photo beside its words)."""
    left, top, right, bottom = box
    if count == 2:
        middle = (left + right - gap) // 2
        return [((left, top, middle, bottom), False), ((middle + gap, top, right, bottom), False)]
    height = (bottom - top - gap * (count - 1)) // max(1, count)
    return [((left, top + row * (height + gap), right, top + row * (height + gap) + height),
             True) for row in range(count)]


def _report(c: Composer, report: Report, box: Box, wide: bool) -> None:
    """A photo in its own proportions (nothing of it cut: not a caption written in it,
    not a face), its credit under it, then the caption and the date; each in its own
    strip, so nothing is drawn over anything else."""
    left, top, right, bottom = box
    credit_h, gap = c.u(2.4), c.u(2)
    ratio = 4 / 3
    if report.photo is not None:
        width, height = upright_size(report.photo)
        ratio = min(MAX_RATIO, max(MIN_RATIO, width / max(1, height)))
    words = box  # a report without a photo: its words take the whole card
    if report.photo is not None and wide:
        photo_h = bottom - top - credit_h
        photo_w = min(round(photo_h * ratio), round((right - left) * 0.5))
        photo_h = round(photo_w / ratio)
        frame = (left, top, left + photo_w, top + photo_h)
        words = (frame[2] + gap, top, right, bottom)
    elif report.photo is not None:
        photo_w = right - left
        photo_h = min(round(photo_w / ratio), round((bottom - top) * 0.66))
        photo_w = round(photo_h * ratio)
        frame = (left, top, left + photo_w, top + photo_h)
        words = (left, frame[3] + credit_h + c.u(1), right, bottom)
    if report.photo is not None:
        c.photo(report.photo, frame)
        c.credit((frame[0], frame[3], frame[2], frame[3] + credit_h), [report.credit],
                 max_u=1.5, min_u=1.0)
    caption = report.caption or report.title
    date_h = c.u(3)
    fitted = c.text("caption", caption, (words[0], words[1], words[2], words[3] - date_h),
                    bold=True, max_u=3.4, min_u=1.6, max_lines=3)
    if report.caption and report.title != report.caption and fitted is not None:
        below = words[1] + fitted.height + c.u(1)
        c.text("caption", report.title, (words[0], below, words[2], words[3] - date_h),
               max_u=2.6, min_u=1.4, max_lines=3)
    c.text("date", report.date, (words[0], words[3] - date_h, words[2], words[3]),
           max_u=2.0, min_u=1.3, max_lines=1, fill=SHADE, valign="bottom")


def _events(c: Composer, box: Box) -> None:
    left, top, right, bottom = box
    c.fill(box, BLUE)
    pad = c.u(2.5)
    c.text("section", _(SECTION_EVENTS), (left + pad, top + pad, right - pad, top + c.u(7)),
           bold=True, max_u=3.8, min_u=2.4, fill=WHITE, max_lines=1, valign="middle")
    events = list(c.content.events)[:STAND_EVENTS]
    if not events:
        c.text("event", _(NO_EVENTS).format(phone=c.content.phone),
               (left + pad, top + c.u(8), right - pad, bottom - pad), max_u=3, min_u=2,
               fill=WHITE, max_lines=3, valign="middle")
        return
    row_top, row_h = top + c.u(8), (bottom - pad - top - c.u(8)) // len(events)
    when_w = round((right - left - 2 * pad) * 0.3)
    for index, event in enumerate(events):
        y = row_top + index * row_h
        c.text("event", event.when, (left + pad, y, left + pad + when_w, y + row_h),
               bold=True, max_u=2.6, min_u=1.6, fill=YELLOW, max_lines=2)
        words = f"{event.title} — {event.place}" if event.place else event.title
        c.text("event", words, (left + pad + when_w + c.u(2), y, right - pad, y + row_h),
               max_u=2.6, min_u=1.6, fill=WHITE, max_lines=2)
