"""Offline sign-ups, CSV import, joins, forgetting, and the funnel in stats."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest
from signup_support import (
    T0,
    complete,
    fresh_config,
    poster,
    published_code,
    rows,
)
from sqlmodel import select

from outreach.config import Config
from outreach.db import Store
from outreach.db.models import AudienceJoin, ReferralCode
from outreach.signups.desk import StoreDesk
from outreach.signups.offline import Entry, SignupInputError, add_signup, import_csv
from outreach.signups.records import forget
from outreach.signups.referrals import suggest_code
from outreach.stats import compute_stats

UTC = zoneinfo.ZoneInfo("UTC")


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return fresh_config(tmp_path)


def test_offline_code_said_on_the_phone_is_read_any_way(store: Store, config: Config) -> None:
    code_id = poster(store)
    for said, phone in (("mia 7", "89120000001"), ("MIA7", "89120000002"),
                        ("Mia-O7", "89120000003")):
        added = add_signup(store, config, Entry("Ольга", phone, "Миасс", said))
        assert added.attributed
    assert {r.referral_code_id for r in rows(store)} == {code_id}


def test_unknown_code_is_refused_with_a_suggestion_unless_unattributed(store: Store,
                                                                       config: Config) -> None:
    poster(store)
    with pytest.raises(SignupInputError, match="Did you mean MIA-7"):
        add_signup(store, config, Entry("Ольга", "89120000001", "Миасс", "MAI-7"))
    assert rows(store) == []
    added = add_signup(store, config, Entry("Ольга", "89120000001", "Миасс", "MAI-7"),
                       unattributed=True)
    assert not added.attributed
    assert rows(store)[0].code_given == "MAI-7"
    with store.session() as s:
        assert suggest_code(s, "mia 1") == "MIA-7"
        assert suggest_code(s, "zzz") is None


def test_same_name_and_phone_offline_updates_rather_than_duplicates(store: Store,
                                                                    config: Config) -> None:
    poster(store)
    add_signup(store, config, Entry("Ольга Ивановна", "+7 912 000-00-01", "Миасс"))
    again = add_signup(store, config, Entry("ольга ивановна", "8 912 000 00 01", "Златоуст",
                                            "MIA-7"))
    assert again.updated and again.same_phone == ()
    [row] = rows(store)
    assert (row.name, row.municipality, row.referral_code_id is not None) == (
        "ольга ивановна", "Златоуст", True)


def test_another_name_with_the_same_phone_is_a_new_row_and_a_possible_duplicate(
        store: Store, config: Config) -> None:
    """A couple with one home phone: the second is not written over the first."""
    first = add_signup(store, config, Entry("Иван Петров", "+7 351 200-00-01", "Миасс"))
    second = add_signup(store, config, Entry("Мария Петрова", "8 351 200 00 01", "Миасс"))
    assert not second.updated and second.same_phone == (first.signup_id,)
    assert [r.name for r in rows(store)] == ["Иван Петров", "Мария Петрова"]


def test_municipality_typo_is_refused_with_the_listed_name(store: Store, config: Config) -> None:
    with pytest.raises(SignupInputError, match="did you mean 'Златоуст'"):
        add_signup(store, config, Entry("Ольга", "89120000001", "Златоус"))


def test_csv_import_stores_valid_rows_and_reports_the_rest(store: Store, config: Config,
                                                           tmp_path: Path) -> None:
    poster(store)
    path = tmp_path / "forms.csv"
    path.write_text(
        "name;phone;municipality;code;interests;consent_date\n"
        "Ольга Петрова;8 912 000-00-01;Миасс;MIA-7;Наставничество;05.10.2026\n"
        "Пётр;12345;Миасс;;;\n"
        "👍;89120000003;Миасс;;;\n"
        "Иван;89120000004;Миасс;XYZ-99;;\n"
        "Мария;89120000005;Копейск;;;2026-13-45\n"
        "\n"
        "Анна;+7 912 000 00 06;копейск;mia7;;\n", encoding="utf-8")
    report = import_csv(store, config, path)
    assert (report.stored, report.updated) == (2, 0)
    assert [line for line, _ in report.rejected] == [3, 4, 5, 6]
    reasons = dict(report.rejected)
    assert "too few digits" in reasons[3] and "letters" in reasons[4]
    assert "XYZ-99" in reasons[5] and "consent_date" in reasons[6]
    stored = {r.name: r for r in rows(store)}
    assert stored["Ольга Петрова"].consent_at.date() == dt.date(2026, 10, 5)
    assert stored["Анна"].municipality == "Копейск" and stored["Анна"].source == "csv"
    again = import_csv(store, config, path)  # the same file again: updates, no duplicates
    assert (again.stored, again.updated) == (0, 2) and len(rows(store)) == 2


def test_csv_without_required_columns_is_refused(store: Store, config: Config,
                                                 tmp_path: Path) -> None:
    path = tmp_path / "forms.csv"
    path.write_text("имя,телефон\nОльга,89120000001\n", encoding="utf-8")
    with pytest.raises(SignupInputError, match="missing: name, phone"):
        import_csv(store, config, path)


def test_join_is_attributed_to_the_latest_post_within_the_window(store: Store,
                                                                 config: Config) -> None:
    published_code(store, channel="vk")  # published at T0
    desk = StoreDesk(store, config)
    desk.joined("vk", "501", T0 + dt.timedelta(hours=3))
    desk.joined("vk", "501", T0 + dt.timedelta(hours=5))  # left and came back: one join
    desk.joined("vk", "502", T0 + dt.timedelta(hours=49))  # outside the 48h window
    desk.joined("vk", "503", T0 - dt.timedelta(hours=1))  # before the post
    with store.session() as s:
        joins = {j.person: j.publication_id
                 for j in s.exec(select(AudienceJoin).order_by(AudienceJoin.id))}
    assert list(joins) == ["test:501", "test:502", "test:503"]
    assert joins["test:501"] is not None
    assert joins["test:502"] is None and joins["test:503"] is None


def test_forget_erases_personal_data_and_stats_still_count_it(store: Store,
                                                              config: Config) -> None:
    published_code(store)
    desk = StoreDesk(store, config, clock=lambda: T0)
    complete(desk)
    [row] = rows(store)
    with store.session() as s:
        erased = forget(s, row.id)
    assert {"name", "phone", "person", "interests"} <= set(erased)
    [row] = rows(store)
    assert (row.name, row.phone, row.person, row.status) == (None, None, None, "forgotten")
    assert row.municipality == "Миасс" and row.referral_code_id is not None
    report = compute_stats(store, zone=UTC)
    assert report.total.signups == 1
    [funnel] = [f for f in report.funnel if f.starts]
    assert (funnel.campaign, funnel.channel, funnel.starts, funnel.completed) == (
        "mentoring", "tg", 1, 1)


def test_funnel_counts_starts_completed_views_and_joins(store: Store, config: Config) -> None:
    from outreach.engine.collectors import record_snapshots

    published_code(store, channel="vk", code="VkCode123456")
    with store.session() as s:
        pub = s.exec(select(ReferralCode.publication_id)).first()
        record_snapshots(s.connection(), [{"publication_id": pub, "taken_at": T0,
                                           "views": 2000, "likes": 1, "shares": None,
                                           "comments": None, "reactions": None}])
    poster(store)
    desk = StoreDesk(store, config, clock=lambda: T0)
    complete(desk, person="1", channel="vk", code="VkCode123456", phone="89120000001")
    complete(desk, person="2", channel="vk", code="VkCode123456", phone="89120000002")
    desk.handle("vk", __import__("outreach.channels").channels.Incoming(
        person="3", started=True, start_code="VkCode123456"))  # abandoned at once
    add_signup(store, config, Entry("Ольга", "89120000009", "Миасс", "MIA-7"))
    desk.joined("vk", "77", T0 + dt.timedelta(hours=1))
    report = compute_stats(store, zone=UTC)
    funnel = {(f.campaign, f.channel, f.placement): f for f in report.funnel}
    vk = funnel[("mentoring", "vk", None)]
    assert (vk.views, vk.starts, vk.completed, vk.joins) == (2000, 3, 2, 1)
    assert vk.per_thousand_views == 1.0
    placed = funnel[(None, "press", "Пенсионный фонд, Миасс")]
    assert (placed.views, placed.starts, placed.completed) == (None, 1, 1)
    assert placed.per_thousand_views is None
    assert report.total.signups == 3  # the abandoned start is not a sign-up
