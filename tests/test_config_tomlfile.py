from __future__ import annotations

from pathlib import Path

from outreach.config.tomlfile import key_lines, line_of, parse_toml, read_toml


def test_key_lines_follow_tables_and_quoted_keys() -> None:
    text = 'a = 1\n[channels."vk-region"]\nplugin = "vk"\n\n[[photos]]\nfile = "1.jpg"\n'
    lines = key_lines(text)
    assert lines["a"] == 1
    assert lines["channels.vk-region"] == 2
    assert lines["channels.vk-region.plugin"] == 3
    assert lines["photos.file"] == 6


def test_line_of_falls_back_to_the_parent_table() -> None:
    lines = key_lines("[centre]\nname = 'x'\n")
    assert line_of(lines, "centre.logo") == 1
    assert line_of(lines, "nothing.here") is None


def test_syntax_error_names_source_and_line() -> None:
    data, problem = parse_toml('a = 1\nb = "unterminated\n', "config.toml")
    assert data is None and problem is not None
    assert problem.line == 2
    assert str(problem).startswith("config.toml:2: not valid TOML:")


def test_read_toml_reports_non_utf8_and_missing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"name = '\xff'\n")
    assert read_toml(bad)[2].message == "not UTF-8 text"
    missing = read_toml(tmp_path / "none.toml")[2]
    assert missing.message.startswith("cannot read:")
