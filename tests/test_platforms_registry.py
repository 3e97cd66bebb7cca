from __future__ import annotations

import logging
import stat
from importlib import metadata
from pathlib import Path

import pytest

from outreach.channels import Channel, ChannelContext, Post, Published
from outreach.errors import NotFoundError, PluginError
from outreach.platforms import registry as registry_module
from outreach.platforms.registry import GROUP, Registry
from outreach_testing import RecordingChannel, make_registry, make_test_config

SECRET = "5541:AAH-very-secret-token-value"


def post(publication_id: int = 1) -> Post:
    return Post(publication_id=publication_id, idempotency_key=f"key-{publication_id}",
                text="Hello", title="Title")


def entry_points_from(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                      modules: dict[str, str], entries: dict[str, str]) -> None:
    """Real EntryPoint objects; modules written to tmp_path and put on sys.path."""
    for name, source in modules.items():
        (tmp_path / f"{name}.py").write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    points = [metadata.EntryPoint(name, value, GROUP) for name, value in entries.items()]
    monkeypatch.setattr(registry_module.metadata, "entry_points",
                        lambda group: points if group == GROUP else [])


def test_ready_channel_is_made_once_with_its_own_folders(tmp_path: Path) -> None:
    config = make_test_config(tmp_path, {"main": {"plugin": "test", "audience": 7}})
    registry = make_registry(config)

    [status] = registry.statuses()
    assert (status.name, status.plugin, status.state, status.reason) == (
        "main", "test", "ready", None)
    channel = registry.get("main")
    assert channel is registry.get("main")
    assert channel.context.output_dir == config.output_dir / "main"
    assert channel.context.data_dir == config.data_dir / "main"
    assert channel.context.centre == config.centre
    assert channel.audience() == 7
    assert registry.ready() == {"main": channel}


def test_broken_entry_points_are_reported_and_the_others_load(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    entry_points_from(monkeypatch, tmp_path, {
        "raises_on_import": "raise ImportError('needs libfoo 2.0')\n",
        "bad_syntax": "def broken(:\n",
        "not_a_channel": "class Thing:\n    pass\n",
        "abstract_channel": ("from outreach.channels import Channel\n"
                             "class Half(Channel):\n    plugin_name = 'half'\n"),
    }, {
        "raises": "raises_on_import:Plugin",
        "syntax": "bad_syntax:Plugin",
        "thing": "not_a_channel:Thing",
        "half": "abstract_channel:Half",
        "test": "outreach_testing:RecordingChannel",
    })
    config = make_test_config(tmp_path, {
        "a": {"plugin": "raises"}, "b": {"plugin": "syntax"}, "c": {"plugin": "thing"},
        "d": {"plugin": "half"}, "good": {"plugin": "test"},
    })
    with caplog.at_level(logging.WARNING, logger="outreach.registry"):
        registry = Registry.from_config(config, env={})

    states = {s.name: (s.state, s.reason) for s in registry.statuses()}
    assert states["good"] == ("ready", None)
    assert states["a"][0] == "load-failed"
    assert "ImportError: needs libfoo 2.0" in states["a"][1]
    assert states["b"][0] == "load-failed" and "SyntaxError" in states["b"][1]
    assert states["c"] == ("load-failed",
                           "not_a_channel:Thing is not a subclass of outreach.channels.Channel")
    assert states["d"] == ("load-failed", "abstract_channel:Half does not implement publish")
    # Each broken plugin is logged once, by name.
    for plugin in ("raises", "syntax", "thing", "half"):
        assert sum(f"Plugin {plugin} failed to load" in r.getMessage()
                   for r in caplog.records) == 1
    assert registry.get("good").publish(post()).external_id == "good-1"
    with pytest.raises(PluginError, match="channel a is load-failed: cannot import"):
        registry.get("a")
    assert set(registry.ready()) == {"good"}


def test_explicit_plugins_never_read_entry_points(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(group: str) -> list:
        raise AssertionError("entry points read although plugins were given")

    monkeypatch.setattr(registry_module.metadata, "entry_points", refuse)
    config = make_test_config(tmp_path, {"main": {"plugin": "test"}})
    assert make_registry(config).status("main").state == "ready"


def test_unknown_plugin_suggests_the_installed_one(tmp_path: Path) -> None:
    config = make_test_config(tmp_path, {"main": {"plugin": "tset"}, "ok": {"plugin": "test"}})
    registry = make_registry(config)

    status = registry.status("main")
    assert status.state == "plugin-missing"
    assert status.reason == ("no plugin named 'tset' is installed (did you mean 'test'?); "
                             "installed: test")
    [problem] = registry.problems("main")
    assert problem.key == "channels.main.plugin" and problem.line == 2
    assert registry.status("ok").state == "ready"
    with pytest.raises(PluginError, match="no plugin named 'tset'"):
        registry.plugin_class("main")


def test_settings_problems_name_line_and_key_and_leave_other_channels(tmp_path: Path) -> None:
    config = make_test_config(tmp_path, {
        "bad": {"plugin": "test", "fial": "auth", "token": SECRET, "enabeld": True},
        "good": {"plugin": "test"},
    })
    registry = make_registry(config)

    problems = registry.problems("bad")
    rendered = [str(p) for p in problems]
    source = str(tmp_path / "config.toml")
    assert f"{source}:3: channels.bad.fial: unknown key (did you mean 'fail'?)" in rendered
    assert f"{source}:5: channels.bad.enabeld: unknown key (did you mean 'enabled'?)" in rendered
    assert any(p.key == "channels.bad.token" and "name of an environment variable" in p.message
               for p in problems)
    assert SECRET not in "\n".join(rendered)
    status = registry.status("bad")
    assert status.state == "config-error"
    assert status.reason.startswith("channels.bad.fial (line 3): unknown key")
    assert "and 2 more" in status.reason
    assert SECRET not in status.reason
    assert registry.problems("good") == []
    with pytest.raises(PluginError, match="channel bad is config-error"):
        registry.get("bad")
    assert set(registry.ready()) == {"good"}
    # The class is still known, so its limits can be shown.
    assert registry.plugin_class("bad") is RecordingChannel


def test_wrong_type_and_bad_choice_are_config_errors(tmp_path: Path) -> None:
    config = make_test_config(tmp_path, {
        "main": {"plugin": "test", "fail_times": "two", "fail": "transiant"}})
    messages = {p.key: p.message for p in make_registry(config).problems("main")}
    assert messages["channels.main.fail_times"] == "must be a whole number, not text 'two'"
    assert "(did you mean 'transient'?)" in messages["channels.main.fail"]


def test_disabled_channel_is_left_alone(tmp_path: Path) -> None:
    config = make_test_config(tmp_path, {"off": {"plugin": "test", "enabled": False,
                                                 "unfinished": 1}})
    registry = make_registry(config)
    assert registry.status("off").state == "disabled"
    assert registry.problems("off") == []
    assert registry.ready() == {}
    with pytest.raises(PluginError, match="channel off is disabled"):
        registry.get("off")


class ExplodingChannel(Channel):
    plugin_name = "exploding"
    settings_schema = {"token": RecordingChannel.settings_schema["token"]}

    def __init__(self, context: ChannelContext, settings: dict) -> None:
        super().__init__(context, settings)
        raise ValueError(f"cannot log in with {self.secret('token')}")

    def publish(self, post: Post) -> Published:  # pragma: no cover - never made
        raise AssertionError


def test_a_channel_that_fails_to_start_is_marked_and_its_secret_hidden(
        tmp_path: Path) -> None:
    config = make_test_config(tmp_path, {"boom": {"plugin": "exploding", "token": "BOOM_TOKEN"},
                                         "good": {"plugin": "test"}})
    registry = make_registry(config, [RecordingChannel, ExplodingChannel],
                             env={"BOOM_TOKEN": SECRET})
    assert registry.status("boom").state == "ready"  # nothing started yet

    assert set(registry.ready()) == {"good"}
    status = registry.status("boom")
    assert status.state == "init-failed"
    assert status.reason == "could not start: ValueError: cannot log in with ***"
    with pytest.raises(PluginError) as raised:
        registry.get("boom")
    assert SECRET not in str(raised.value)
    assert "init-failed" in str(raised.value)


def test_unknown_channel_name_suggests_a_configured_one(tmp_path: Path) -> None:
    registry = make_registry(make_test_config(tmp_path, {"telegram-main": {"plugin": "test"}}))
    with pytest.raises(NotFoundError) as raised:
        registry.get("telegram-mian")
    assert str(raised.value) == ("no channel named 'telegram-mian' (did you mean "
                                 "'telegram-main'?); channels: telegram-main")
    with pytest.raises(NotFoundError):
        registry.plugin_class("nope")


def test_check_reports_unset_variables_and_plugin_failures(tmp_path: Path) -> None:
    config = make_test_config(tmp_path, {"main": {"plugin": "test", "token": "REC_TOKEN"}})
    results = make_registry(config, env={}).check("main")
    assert [r.ok for r in results] == [False, False]
    assert results[0].message == "environment variable REC_TOKEN (setting token) is not set"
    assert "export REC_TOKEN=" in results[0].fix
    assert "REC_TOKEN" in results[1].message  # the plugin's own AuthError, as a failed check

    ok = make_registry(config, env={"REC_TOKEN": SECRET}).check("main")
    assert [r.ok for r in ok] == [True]
    assert SECRET not in ok[0].message


class CloseFails(RecordingChannel):
    plugin_name = "close-fails"
    closed: list[str] = []

    def close(self) -> None:
        raise RuntimeError("socket already gone")


class CloseCounts(RecordingChannel):
    def close(self) -> None:
        CloseFails.closed.append(self.name)


def test_close_goes_on_after_a_channel_fails_to_close(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = make_test_config(tmp_path, {"a": {"plugin": "close-fails"},
                                         "b": {"plugin": "test"}})
    registry = make_registry(config, [CloseFails, CloseCounts])
    registry.ready()
    with caplog.at_level(logging.WARNING, logger="outreach.registry"):
        registry.close()
    assert CloseFails.closed == ["b"]
    assert "channel a did not close cleanly: RuntimeError: socket already gone" in caplog.text


def test_redact_hides_token_shapes_that_no_channel_configured(tmp_path: Path) -> None:
    config = make_test_config(tmp_path, {"a": {"plugin": "test", "token": "A_TOKEN"}})
    registry = make_registry(config, env={"A_TOKEN": SECRET})
    other = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # another bot's, in a library's URL

    shown = registry.redact("a", f"{SECRET} failed: POST https://api.telegram.org/bot{other}/x")

    assert shown == "*** failed: POST https://api.telegram.org/bot***/x"


def test_the_plugins_working_folder_is_the_owners_alone(tmp_path: Path) -> None:
    config = make_test_config(tmp_path, {"main": {"plugin": "test"}})
    config.data_dir.mkdir(mode=0o755)  # made by an older version, or by hand
    config.data_dir.chmod(0o755)

    make_registry(config).get("main")

    assert stat.S_IMODE(config.data_dir.stat().st_mode) == 0o700
