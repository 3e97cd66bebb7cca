from __future__ import annotations

import pytest

from outreach.text.pieces import text_pieces


@pytest.mark.parametrize(("text", "size", "expected"), [
    ("", 10, [""]),
    ("короткий", 10, ["короткий"]),
    ("первая строка\nвторая строка", 16, ["первая строка", "вторая строка"]),
    ("слово слово слово", 12, ["слово слово", "слово"]),
    # No break in the second half of the piece: cut where the size ends.
    ("оченьдлинноеслово и ещё", 10, ["оченьдлинн", "оеслово и", "ещё"]),
])
def test_a_text_is_cut_at_line_ends_or_spaces_within_the_size(
        text: str, size: int, expected: list[str]) -> None:
    pieces = text_pieces(text, size)
    assert pieces == expected
    assert all(len(piece) <= size for piece in pieces)


def test_plugins_cut_with_the_core_s_pieces() -> None:
    import outreach.channels as api
    from outreach_max.text import parts_of as max_parts
    from outreach_vk.intake import parts_of as vk_parts

    assert api.text_pieces is text_pieces
    text = "Мы ждём вас на встрече. " * 400
    assert max_parts(text) == text_pieces(text, 4000)
    assert vk_parts(text, 100) == text_pieces(text, 100)
