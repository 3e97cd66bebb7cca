from __future__ import annotations

from outreach.text.markdown import to_plain_text


def test_soft_wrapped_lines_become_one_paragraph() -> None:
    body = "В школе №5 прошёл урок\nпрофориентации.\n\nСледующая встреча —\nв ноябре."
    assert to_plain_text(body) == (
        "В школе №5 прошёл урок профориентации.\n\nСледующая встреча — в ноябре."
    )


def test_emphasis_quotes_and_headings_lose_their_markers() -> None:
    body = (
        "## Итоги\n\n**Это образец.** Было *очень* тепло.\n\n"
        "> «Ребята спрашивали»,\n> — говорит наставница."
    )
    assert to_plain_text(body) == (
        "Итоги\n\nЭто образец. Было очень тепло.\n\n«Ребята спрашивали», — говорит наставница."
    )


def test_links_stay_visible() -> None:
    body = "Запись [на сайте](https://example.org/join) и <https://vk.me/club1>."
    assert to_plain_text(body) == "Запись на сайте (https://example.org/join) и https://vk.me/club1."


def test_list_items_keep_their_own_lines() -> None:
    body = "Что взять:\n- тёплую куртку\n- термос\n\n1. Сбор у входа\n2. Прогулка"
    assert to_plain_text(body) == (
        "Что взять:\n• тёплую куртку\n• термос\n\n1. Сбор у входа\n2. Прогулка"
    )


def test_underscores_inside_words_and_escapes_are_kept() -> None:
    assert to_plain_text(r"файл report_2026_final и 5 \* 3") == "файл report_2026_final и 5 * 3"


def test_hard_line_break_is_kept() -> None:
    assert to_plain_text("Адрес:  \nул. Ленина, 5") == "Адрес:\nул. Ленина, 5"
