from __future__ import annotations

import datetime as dt

import pytest

from outreach.errors import ValidationError
from outreach.text.templates import (
    DEFAULT_TEMPLATE,
    Template,
    fit,
    russian_date,
    shorten,
    story_values,
    template_problems,
)


def values(**overrides: str | None) -> dict[str, str]:
    base = story_values(
        title="Мастер-класс в Миассе",
        body="Волонтёры провели мастер-класс для школьников.",
        summary=None,
        event_date=dt.date(2026, 10, 14),
        municipality="Миасс",
        hashtags=["серебряныеволонтёры", "#наставничество"],
        call_to_action="Хотите с нами? Запишитесь:",
        signup_link="https://vk.me/club1?ref=PREVIEW",
    )
    base.update({k: v or "" for k, v in overrides.items()})
    return base


def test_renders_placeholders_and_escaped_braces() -> None:
    template = Template.parse("{title} {{не поле}} — {date}, {municipality}\n{hashtags}")
    assert template.render(values()) == (
        "Мастер-класс в Миассе {не поле} — 14 октября 2026, Миасс\n"
        "#серебряныеволонтёры #наставничество"
    )


@pytest.mark.parametrize("month, word", [(1, "января"), (5, "мая"), (12, "декабря")])
def test_russian_date_needs_no_locale(month: int, word: str) -> None:
    assert russian_date(dt.date(2026, month, 3)) == f"3 {word} 2026"


def test_empty_signup_link_drops_its_line_and_keeps_one_blank_line() -> None:
    text = Template.parse(DEFAULT_TEMPLATE).render(values(signup_link=None, body=None))
    assert text == (
        "Мастер-класс в Миассе\n\nХотите с нами? Запишитесь:\n\n"
        "#серебряныеволонтёры #наставничество"
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("{title.__class__}", "{title.__class__}: attribute or index access is not allowed; "
                              "write {title}"),
        ("{title[0]}", "{title[0]}: attribute or index access is not allowed; write {title}"),
        ("{0}", "{0}: numbered or empty placeholders are not allowed"),
        ("{}", "{}: numbered or empty placeholders are not allowed"),
        ("{title!r}", "{title!r}: conversions and formats are not allowed; write {title}"),
        ("{title:>10}", "{title:>10}: conversions and formats are not allowed; write {title}"),
        ("{Title}", "{Title}: a placeholder is a name only"),
        ("{titel}", "unknown placeholder {titel} (did you mean {title}?)"),
        ("{title", "a '{' is not closed on its line"),
        ("title}", "a '}' without its '{'"),
    ],
)
def test_unsafe_or_unknown_placeholders_are_errors(text: str, expected: str) -> None:
    problems = template_problems(text, "campaigns/a.toml", "post.template", first_line=7)
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"campaigns/a.toml:7: post.template: {expected}")


def test_every_problem_is_reported_with_its_own_line() -> None:
    with pytest.raises(ValidationError) as caught:
        Template.parse("{title}\n{boddy}\n\n{summary.x}", "c.toml", "post.template", first_line=10)
    lines = [p.line for p in caught.value.problems]
    assert lines == [11, 13]


def test_short_text_is_untouched() -> None:
    fitted = fit(Template.parse(DEFAULT_TEMPLATE), values(), 4096)
    assert not fitted.trimmed and fitted.fits
    assert "Волонтёры провели мастер-класс для школьников." in fitted.text


def test_shorten_cuts_at_a_word_boundary_with_an_ellipsis() -> None:
    assert shorten("один два три четыре", 12) == "один два…"
    assert shorten("один, два три", 9) == "один…"  # no dangling comma
    assert shorten("одинокоеслово", 5) == ""


def test_shorten_never_cuts_a_link_and_keeps_links_from_the_cut_tail() -> None:
    text = "Подробности на сайте https://example.org/stories/miass-2026 и в группе"
    short = shorten(text, 55)
    assert short == "Подробности на… https://example.org/stories/miass-2026"
    assert len(short) <= 55


def test_long_body_is_trimmed_and_the_protected_parts_stay_whole() -> None:
    body = " ".join(f"слово{i}" for i in range(300))
    template = Template.parse(DEFAULT_TEMPLATE)
    fitted = fit(template, values(body=body), 300)
    assert fitted.length <= 300 and fitted.fits
    assert fitted.trimmed == ("body",)
    assert "…" in fitted.text
    for whole in ("Хотите с нами? Запишитесь:", "https://vk.me/club1?ref=PREVIEW",
                  "#серебряныеволонтёры #наставничество", "Мастер-класс в Миассе"):
        assert whole in fitted.text
    # The cut is between words: the last word before the ellipsis is a whole word.
    last = fitted.text.split("…")[0].split()[-1]
    assert last in body.split()


def test_title_is_trimmed_only_after_body_and_summary() -> None:
    template = Template.parse("{title}\n{summary}\n{body}\n{call_to_action}")
    long_title = "Очень длинный заголовок " * 5
    fitted = fit(template, values(title=long_title, summary="Кратко о главном",
                                  body="Текст"), 60)
    assert fitted.trimmed == ("body", "summary", "title")
    assert fitted.fits and fitted.length <= 60
    assert fitted.text.endswith("Хотите с нами? Запишитесь:")


def test_protected_parts_that_do_not_fit_are_reported_not_cut() -> None:
    fitted = fit(Template.parse(DEFAULT_TEMPLATE), values(), 40)
    assert not fitted.fits
    assert "limit is 40" in (fitted.problem or "")
    assert "https://vk.me/club1?ref=PREVIEW" in fitted.text
