from __future__ import annotations

import re

import pytest

from outreach.db.models import Campaign, ReferralCode, utcnow
from outreach.signups.referrals import (
    find_code,
    new_code,
    outlet_code,
    placement_code,
    prefix_for,
    short_code,
)
from outreach.text.latin import slugify, transliterate

MUNICIPALITIES = ("Миасс", "Златоуст", "Копейск")


def test_new_codes_fit_deep_links_and_do_not_repeat() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"[A-Za-z0-9]{12}", code)
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", code)  # Telegram's start parameter
        assert not set(code) & set("0O1lI")


@pytest.mark.parametrize(("text", "prefix"), [
    ("Пенсионный фонд, Миасс, ул. Ленина, 5", "MAC"),  # МАС
    ("Центр социальной защиты, Златоуст", "ATC"),  # АТС
    ("Миасский рабочий", "MAC"),
    ("Пенсионный фонд", "ECX"),  # ЕСХ: Н and О are left out, Х fills
    ("Юг", "KPA"),  # no such letter at all
    ("!!!", "KPA"),
    ("Radio Troitsk", "ATT"),  # a Latin name: the same letters
])
def test_prefix_is_three_letters_written_alike_in_russian_and_latin(text: str,
                                                                    prefix: str) -> None:
    made = prefix_for(text, MUNICIPALITIES)
    assert made == prefix
    assert set(made) <= set("ABEKMPCTX")  # А В Е К М Р С Т Х


def test_transliteration_is_shared_with_folder_names() -> None:
    assert transliterate("Щедрый Ёж") == "shchedryy ezh"
    assert slugify("Школа №5") == "shkola-no5"


def test_placement_codes_are_made_once_and_numbered_per_prefix(store) -> None:
    with store.session() as session:
        campaign = Campaign(slug="c", name="C", definition_hash="x", updated_at=utcnow())
        session.add(campaign)
        session.flush()
        first = placement_code(session, campaign.id, "Пенсионный фонд, Миасс, ул. Ленина, 5",
                               MUNICIPALITIES)
        second = placement_code(session, campaign.id, "Библиотека, Миасс", MUNICIPALITIES)
        other = placement_code(session, campaign.id, "Центр соцзащиты, Златоуст", MUNICIPALITIES)
        one_off = placement_code(session, None, "Пенсионный фонд, Миасс, ул. Ленина, 5",
                                 MUNICIPALITIES)
        ids = (first.id, campaign.id)
    assert (first.short_code, second.short_code, other.short_code) == ("MAC-1", "MAC-2", "ATC-1")
    assert one_off.short_code == "MAC-3" and one_off.campaign_id is None
    assert first.kind == "placement" and first.placement.startswith("Пенсионный фонд")
    with store.session() as session:
        again = placement_code(session, ids[1], "  Пенсионный фонд,  Миасс, ул. Ленина, 5 ")
        assert (again.id, again.code, again.short_code) == (ids[0], first.code, "MAC-1")
        assert short_code(session, "мас") == "MAC-4"


def test_outlet_codes_and_finding_a_code_as_people_say_it(store) -> None:
    with store.session() as session:
        paper = outlet_code(session, "Миасский рабочий", "press", MUNICIPALITIES)
        assert outlet_code(session, "Миасский рабочий").id == paper.id
        assert (paper.kind, paper.channel, paper.short_code) == ("outlet", "press", "MAC-1")
        for said in ("MAC-1", "mac-1", "мас 1", "МАС1", "MAC-O1", "Мас–1", "м а с - 1"):
            assert find_code(session, said).id == paper.id, said
        assert find_code(session, paper.code).id == paper.id
        assert find_code(session, paper.code.swapcase()) is None  # link codes keep case
        assert find_code(session, "MAC-2") is None
        assert find_code(session, "") is None


def test_a_short_code_taken_meanwhile_is_skipped(store, monkeypatch) -> None:
    import outreach.signups.referrals as referrals

    with store.session() as session:
        session.add(ReferralCode(code="taken", kind="placement", placement="elsewhere",
                                 short_code="ATC-1", created_at=utcnow()))
        session.flush()
        real = referrals.short_code
        calls = []

        def stale(session, prefix):  # another worker's view: ATC-1 still free
            calls.append(prefix)
            return "ATC-1" if len(calls) == 1 else real(session, prefix)

        monkeypatch.setattr(referrals, "short_code", stale)
        made = placement_code(session, None, "Центр соцзащиты, Златоуст", MUNICIPALITIES)
    assert made.short_code == "ATC-2" and len(calls) == 2


@pytest.mark.parametrize("typed", ["CHE-1", "сне-1", "СНЕ-1", "Сне 1", "с н е 1", "CHE-O1",
                                   "che1", "CНE—1"])
def test_a_code_printed_before_is_found_in_either_alphabet(store, typed: str) -> None:
    """Codes printed with the first rule (Latin CHE for Chelyabinsk) keep working."""
    with store.session() as session:
        session.add(ReferralCode(code="Zx9Zx9Zx9Zx9", kind="placement", placement="ПФР",
                                 short_code="CHE-1", created_at=utcnow()))
        session.flush()
        found = find_code(session, typed)
        assert found is not None and found.short_code == "CHE-1", typed


def test_outlet_codes_are_per_campaign_so_a_caller_counts_for_it(store) -> None:
    with store.session() as session:
        campaign = Campaign(slug="c", name="C", definition_hash="x", updated_at=utcnow())
        session.add(campaign)
        session.flush()
        own = outlet_code(session, "Миасский рабочий", "press", MUNICIPALITIES, campaign.id)
        loose = outlet_code(session, "Миасский рабочий", "press", MUNICIPALITIES)
        assert own.campaign_id == campaign.id and loose.campaign_id is None
        assert own.id != loose.id and own.short_code != loose.short_code
        assert outlet_code(session, "Миасский рабочий", None, (), campaign.id).id == own.id


def test_a_long_name_is_cut_between_words_where_asked() -> None:
    name = "Клиентская служба Социального фонда, Миасс"
    assert slugify(name, 40) == "klientskaya-sluzhba-sotsialnogo-fonda-mi"  # as it always was
    assert slugify(name, 40, whole_words=True) == "klientskaya-sluzhba-sotsialnogo-fonda"
    assert slugify("Н" * 50, 10, whole_words=True) == "n" * 10  # one long word: cut anyway
