"""Loading config.toml: every problem at once, with line and key; paths relative to the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.config import load_config
from outreach.errors import ConfigError


def _write(folder: Path, text: str, name: str = "config.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    before = path.read_bytes()
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert path.read_bytes() == before  # a bad file is reported, never rewritten
    return [str(p) for p in caught.value.problems]


def test_unknown_top_level_key_names_line_and_suggests(tmp_path: Path) -> None:
    path = _write(tmp_path, 'time_zone = "Asia/Yekaterinburg"\n\nmunicipalites = ["Миасс"]\n')
    assert _problems(path) == [
        f"{path}:3: municipalites: unknown key (did you mean 'municipalities'?)"]


def test_wrong_types(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        'municipalities = "Миасс"\n'
        "[centre]\n"
        "name = 42\n"
        "[channels.press]\n"
        'plugin = "local-media"\n'
        'enabled = "yes"\n'
        'tags = ["press", 7]\n'
    ))
    assert _problems(path) == [
        f"{path}:1: municipalities: must be a list, not text 'Миасс'",
        f"{path}:3: centre.name: must be text, not a whole number",
        f"{path}:6: channels.press.enabled: must be true or false, not text 'yes'",
        f"{path}:7: channels.press.tags: item 2 must be text, not a whole number",
    ]


def test_bad_time_zone(tmp_path: Path) -> None:
    path = _write(tmp_path, 'time_zone = "Asia/Yekaterinbrug"\n')
    assert _problems(path) == [
        f"{path}:1: time_zone: unknown time zone 'Asia/Yekaterinbrug': write a name such as "
        "'Asia/Yekaterinburg', Moscow time ('МСК', 'МСК+2') or a city that names a zone "
        "('Екатеринбург')"]


def test_bad_database_url(tmp_path: Path) -> None:
    path = _write(tmp_path, '\ndatabase_url = "outreach.db"\n')
    [problem] = _problems(path)
    assert problem.startswith(f"{path}:2: database_url: is not a database URL (e.g. ")


def test_channel_municipality_must_be_listed(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        'municipalities = ["Миасс", "Златоуст", "Копейск"]\n'
        "[channels.miass-paper]\n"
        'plugin = "local-media"\n'
        'municipality = "Миас"\n'
    ))
    assert _problems(path) == [
        f"{path}:4: channels.miass-paper.municipality: 'Миас' is not in municipalities "
        "(did you mean 'Миасс'?)"]


def test_channel_without_plugin(tmp_path: Path) -> None:
    path = _write(tmp_path, '[channels.press]\ntags = ["press"]\n')
    assert _problems(path) == [f"{path}:1: channels.press.plugin: is required"]


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '[centre]\nname = "Центр\nslogan = "Добро не стареет"\n')
    [problem] = _problems(path)
    assert problem.startswith(f"{path}:2: not valid TOML: ")


def test_several_problems_reported_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        'time_zone = "Europe/Nowhere"\n'
        'database_url = "::"\n'
        "[paths]\n"
        'medai = "photos"\n'
    ))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.splitlines()[0] == f"{path} has 3 problem(s):"
    assert [p.line for p in caught.value.problems] == [1, 2, 4]
    assert "paths.medai: unknown key (did you mean 'media'?)" in message


def test_relative_paths_are_relative_to_the_config_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    centre = tmp_path / "centre"
    centre.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    path = _write(centre, (
        'database_url = "sqlite:///data/outreach.db"\n'
        "[paths]\n"
        'media = "фото"\n'
        'output = "/srv/outreach/output"\n'
        "[centre]\n"
        'logo = "brand/logo.png"\n'
    ))
    monkeypatch.chdir(elsewhere)

    config = load_config(Path("../centre/config.toml"))

    assert config.media_dir == centre.resolve() / "фото"
    assert config.output_dir == Path("/srv/outreach/output")
    assert config.campaigns_dir == centre.resolve() / "campaigns"
    assert config.centre.logo == centre.resolve() / "brand/logo.png"
    assert config.database_url == f"sqlite:///{centre.resolve() / 'data/outreach.db'}"
    assert path.exists()


def test_absolute_and_server_database_urls_are_kept(tmp_path: Path) -> None:
    url = "postgresql+psycopg://centre:pw@db.example:5432/outreach"
    config = load_config(_write(tmp_path, f'database_url = "{url}"\n'))
    assert config.database_url == url
    config = load_config(_write(tmp_path, 'database_url = "sqlite:////var/lib/o.db"\n'))
    assert config.database_url == "sqlite:////var/lib/o.db"


def test_no_config_file_means_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config.path is None and config.source == "(defaults)"
    assert config.database_url == f"sqlite:///{tmp_path / 'outreach.db'}"
    assert config.time_zone == "Asia/Yekaterinburg"
    assert config.media_dir == tmp_path / "media"
    assert config.channels == {} and config.municipalities == ()


def test_a_named_config_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "missing.toml")
    assert str(caught.value) == f"{tmp_path / 'missing.toml'}: no such file"


def test_channels_keep_plugin_settings(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        'municipalities = ["Миасс"]\n'
        "[channels.vk]\n"
        'plugin = "vk"\n'
        'tags = ["social"]\n'
        'municipality = "Миасс"\n'
        'title = "ВКонтакте"\n'
        'user_token_env = "VK_USER_TOKEN"\n'
        "group_id = 123\n"
    ))
    channel = load_config(path).channels["vk"]
    assert (channel.plugin, channel.enabled, channel.tags, channel.title) == (
        "vk", True, ("social",), "ВКонтакте")
    assert channel.settings == {"user_token_env": "VK_USER_TOKEN", "group_id": 123}
    assert channel.line == 2


def test_the_example_config_loads(tmp_path: Path) -> None:
    example = Path(__file__).parent.parent / "config.example.toml"
    config = load_config(example)
    assert config.time_zone == "Asia/Yekaterinburg"
    assert {"Челябинск", "Миасс", "Златоуст"} <= set(config.municipalities)
    assert config.channels["press"].plugin == "local-media"
    assert config.channels["press"].tags == ("press",)
    assert config.database_url == f"sqlite:///{example.resolve().parent / 'outreach.db'}"


def test_repr_of_the_config_shows_no_password_or_pasted_token(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('database_url = "postgresql+psycopg://centre:pa55-word@db/outreach"\n'
                    '[channels.tg]\nplugin = "telegram"\n'
                    'token_env = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"\n',
                    encoding="utf-8")
    config = load_config(path)

    shown = repr(config) + repr(config.channels["tg"])

    assert "pa55-word" not in shown and "AAHdqTcvCH1v" not in shown
    assert "ChannelConfig(name='tg', plugin='telegram'" in shown


def test_centre_contacts_are_checked_and_default_to_the_centres(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[centre]\nphone = "+7 351 200-00-00"\nemail = "info@example.org"\n'
                    'contact_person = "Анна Петрова"\ncity = "Челябинск"\n', encoding="utf-8")
    centre = load_config(path).centre
    assert (centre.contact_phone, centre.contact_email, centre.city) == (
        "+7 351 200-00-00", "info@example.org", "Челябинск")
    path.write_text('[centre]\ncontact_phone = "позвонить Анне"\n'
                    'contact_email = "anna at example"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    shown = str(raised.value)
    assert "config.toml:2: centre.contact_phone: 'позвонить Анне' is not a phone number" in shown
    assert "config.toml:3: centre.contact_email: 'anna at example' is not an e-mail" in shown
