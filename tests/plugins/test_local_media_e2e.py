"""End to end: a campaign publishes a story through the local-media channel (real store,
the core's dispatcher). The press kit prints a link with the newspaper's short code and
never a long referral token; readers who type that link, or the code in Cyrillic, or
follow an old long-code link, sign up through the fake Telegram bot (real
python-telegram-bot) and count for the newspaper in the campaign's funnel; the stand
made with the kit shows the municipality's other recent reports and the meetings ahead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import zxingcpp
from click.testing import CliRunner
from docx import Document
from PIL import Image
from poster_support import camera_photo
from pypdf import PdfReader
from sqlmodel import select
from telegram_support import telegram_fake  # noqa: F401  (the fake fixture)

from outreach.cli import cli
from outreach.db import Store, open_store
from outreach.db.models import Publication, ReferralCode, SignUp, utcnow
from outreach.engine.posts import build_post
from outreach.engine.service import Service
from outreach.library.importer import import_paths
from outreach.library.stories import approve_story
from outreach.media.renditions import RenditionCache
from outreach.signups.desk import StoreDesk
from outreach.signups.referrals import find_code
from outreach_local_media import LocalMediaChannel
from outreach_telegram import TelegramChannel
from outreach_telegram.fake import FakeTelegram
from outreach_testing import make_registry, make_test_config

BOT = "outreach_sandbox_bot"
OUTLET = "Миасский рабочий"
CAMPAIGN = """\
name = "Наставники"
time_zone = "UTC"

[schedule]
dates = [{due}]

[content]
municipalities = ["Миасс"]

[channels]
names = ["press"]
"""
#: (folder, municipality, date, caption); the campaign publishes the oldest of Миасс.
STORIES = [
    ("2026-10-01-miass-lesson", "Миасс", "2026-10-01", "Урок в школе №5"),
    ("2026-10-20-miass-garden", "Миасс", "2026-10-20", "Посадка яблонь у библиотеки"),
    ("2026-11-05-miass-choir", "Миасс", "2026-11-05", "Хор ветеранов в ДК"),
    ("2026-11-10-zlatoust-walk", "Златоуст", "2026-11-10", "Прогулка по набережной Златоуста"),
]
EVENTS = """\
[[events]]
date = 2099-12-10
time = "11:00"
title = "Встреча наставников"
place = "Библиотека, ул. Ленина, 5"
municipality = "Миасс"

[[events]]
date = 2099-12-12
title = "Ходьба в Златоусте"
municipality = "Златоуст"

[[events]]
date = 2020-01-10
title = "Давно прошедшая встреча"
municipality = "Миасс"
"""


@dataclasses.dataclass
class Centre:
    folder: Path
    fake: FakeTelegram
    store: Store
    service: Service

    def signups(self) -> list[SignUp]:
        with self.store.session() as session:
            return list(session.exec(select(SignUp).order_by(SignUp.id)))

    def codes(self) -> dict[str, ReferralCode]:
        """Every referral code by its kind and name: "publication", "outlet:Миасский рабочий"."""
        with self.store.session() as session:
            return {f"{r.kind}:{r.placement}" if r.placement else r.kind: r
                    for r in session.exec(select(ReferralCode))}


def write_story(media: Path, folder: str, municipality: str, date: str, caption: str) -> None:
    path = media / folder
    path.mkdir(parents=True)
    camera_photo(path / "01.jpg")
    (path / "story.md").write_text(
        f'+++\ntitle = "{caption}: как это было"\nkind = "photo-report"\ndate = {date}\n'
        f'municipality = "{municipality}"\nsummary = "Волонтёры рассказали, как прошёл день."\n'
        '[consent]\nrecorded_by = "Ольга Смирнова"\nrecorded_at = 2026-11-01\n'
        f'[[photos]]\nfile = "01.jpg"\ncaption = "{caption}"\ncredit = "Фото: Ирина Петрова"\n'
        f"+++\n{caption}. Пришли двадцать человек.\n", encoding="utf-8")


def make_centre(tmp_path: Path, url: str, fake: FakeTelegram,
                campaign: str = CAMPAIGN) -> Iterator[Centre]:
    media = tmp_path / "media"
    for story in STORIES:
        write_story(media, *story)
    (media / "events.toml").write_text(EVENTS, encoding="utf-8")
    due = (utcnow() - dt.timedelta(minutes=1)).replace(microsecond=0, tzinfo=None)
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "mentors.toml").write_text(campaign.format(due=due.isoformat()),
                                                          encoding="utf-8")
    press = {"plugin": "local-media", "outlets": [OUTLET], "posters": ["stand"],
             "signup_url": f"https://t.me/{BOT}?start={{code}}"}
    tg = {"plugin": "telegram", "token_env": "TG_TOKEN", "chat_id": "@sandbox_channel",
          "api_url": fake.url, "bot_username": BOT, "poll_timeout": 1}
    config = make_test_config(
        tmp_path, {"press": press, "tg": tg},
        centre={"name": "Серебряные волонтёры", "phone": "+7 (351) 000-00-00",
                "address": "Миасс, ул. Победы, 1"},
        top={"database_url": url, "municipalities": ["Миасс", "Златоуст"]},
        sections={"signups": {"policy_url": "https://example.org/policy",
                              "policy_version": "2"}})
    store = open_store(config.database_url)
    report = import_paths(store, [media], config.municipalities)
    assert len(report.imported) == len(STORIES), report
    for story_id in report.story_ids.values():
        approve_story(store, story_id)
    registry = make_registry(config, [LocalMediaChannel, TelegramChannel],
                             env={"TG_TOKEN": fake.token})
    service = Service(config, store, registry)
    registry.get("tg").start_intake(StoreDesk(store, config, registry))
    try:
        yield Centre(tmp_path, fake, store, service)
    finally:
        registry.close()
        store.dispose()


def documents_text(kit: Path) -> dict[str, str]:
    """Every document of a press kit (release DOCX, PDF and TXT, radio text, TV note, in the
    kit's folder and each outlet's) as text, by its path in the kit."""
    found = {}
    for path in sorted(kit.rglob("*")):
        if path.suffix == ".docx":
            document = Document(str(path))
            cells = [cell.text for table in document.tables for row in table.rows
                     for cell in row.cells]
            text = "\n".join([p.text for p in document.paragraphs] + cells)
        elif path.suffix == ".pdf":
            text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
        elif path.suffix == ".txt":
            text = path.read_text(encoding="utf-8")
        else:
            continue
        found[path.relative_to(kit).as_posix()] = text
    return found


def test_a_press_kit_link_has_the_short_code_and_brings_readers_to_the_funnel(
        tmp_path: Path, store_url: str, fake: FakeTelegram) -> None:
    for centre in make_centre(tmp_path, store_url, fake):  # noqa: B007  (one centre)
        report = centre.service.run_once(timeout=60)
        assert report.published == 1, report
        with centre.store.session() as session:
            [publication] = session.exec(select(Publication))
            assert publication.status == "published", publication.last_error
        codes = centre.codes()
        outlet = codes[f"outlet:{OUTLET}"]
        assert outlet.short_code == "MAC-1"
        link = f"https://t.me/{BOT}?start=MAC-1"

        [kit] = [p for p in (tmp_path / "output" / "press").iterdir() if p.is_dir()]
        documents = documents_text(kit)
        folder = json.loads((kit / "manifest.json").read_text("utf-8"))["outlet_folders"][OUTLET]
        own = [name for name in documents if name.startswith(f"{folder}/")]
        assert sorted(name.rsplit("/", 1)[1] for name in own) == [
            "radio.txt", "release.docx", "release.pdf", "release.txt", "tv.txt"]
        assert len(documents) == 10  # the same five for anyone, without a code
        for name, text in documents.items():
            flat = "".join(text.split())  # a PDF may break a long link across lines
            for code in (publication.referral_code, outlet.code):
                assert code not in flat, f"{name} prints the long code {code}"
            if name in (f"{folder}/release.docx", f"{folder}/release.pdf",
                        f"{folder}/release.txt", f"{folder}/tv.txt"):
                assert link in flat, name
                assert "MAC-1" in text, name
            else:  # the radio has no links; anyone else's copy has no code at all
                assert "start=" not in flat, name

        # A reader types the printed link; another types the code after /start in
        # Cyrillic, as a Russian keyboard gives it; a third follows a link printed before
        # links carried short codes.
        typed = re.search(r"start=([A-Za-z0-9_-]+)", documents[f"{folder}/release.txt"])
        assert typed is not None and typed.group(1) == "MAC-1"
        people = [fake.simulate_person(typed.group(1)), fake.simulate_person("мас-1"),
                  fake.simulate_person(outlet.code)]
        # Three whole dialogs through the bot's long polling: generous on a busy machine.
        assert fake.wait_for(lambda: all(p.status == "done" for p in people), 60)  # noqa: B023
        assert fake.wait_for(lambda: all(  # noqa: B023
            s.status == "completed" for s in centre.signups()), 30)  # noqa: B023
        signups = centre.signups()
        assert len(signups) == 3
        assert {(s.referral_code_id, s.code_given) for s in signups} == {(outlet.id, None)}

        stats = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.toml"),
                                         "stats", "--format", "json"])
        assert stats.exit_code == 0, stats.output
        funnel = [(row["campaign"], row["channel"], row["placement"], row["starts"],
                   row["completed"]) for row in json.loads(stats.output)["funnel"]
                  if row["starts"] or row["completed"]]
        assert funnel == [("mentors", "press", OUTLET, 3, 3)]


def test_a_stand_made_at_publishing_shows_the_municipality_s_reports_and_meetings(
        tmp_path: Path, fake: FakeTelegram) -> None:
    for centre in make_centre(tmp_path, f"sqlite:///{tmp_path / 'outreach.db'}", fake):  # noqa: B007
        report = centre.service.run_once(timeout=60)
        assert report.published == 1, report
        [stand] = (tmp_path / "output" / "posters").glob("*_stand*.pdf")
        text = " ".join(PdfReader(stand).pages[0].extract_text().split())
        # The published story and the two other latest reports of Миасс, with captions.
        for caption in ("Урок в школе №5", "Посадка яблонь у библиотеки",
                        "Хор ветеранов в ДК"):
            assert caption in text, caption
        for day in ("October 1, 2026", "October 20, 2026", "November 5, 2026"):
            assert day in text, day  # the published story's date too
        assert "Встреча наставников" in text and "Библиотека, ул. Ленина, 5" in text
        assert "Миасс, ул. Победы, 1" in text  # the centre's address
        for elsewhere in ("Прогулка по набережной Златоуста", "Ходьба в Златоусте",
                          "Давно прошедшая встреча"):
            assert elsewhere not in text, elsewhere
        # Like a place's poster, it shows a code to say (the publication's own, its short
        # form) and its QR code holds the link with that code, never the long token.
        own = centre.codes()["publication"]
        assert own.short_code is not None and own.short_code.startswith("MAC-")
        assert own.short_code in text and own.code not in "".join(text.split())
        with Image.open(stand.with_suffix(".png")) as preview:
            assert [r.text for r in zxingcpp.read_barcodes(preview)] == [
                f"https://t.me/{BOT}?start={own.short_code}"]
        # A reader who types it in Cyrillic counts for the publication.
        with centre.store.session() as session:
            found = find_code(session, own.short_code.replace("MAC", "мас"))
            assert found is not None and found.id == own.id



PLACES = """
[[placements]]
name = "Пенсионный фонд, Миасс, ул. Ленина, 5"
municipality = "Миасс"
formats = ["a4", "stand"]

[[placements]]
name = "Соцзащита, Златоуст"
municipality = "Златоуст"
"""


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_a_kit_prints_each_placement_s_formats_with_its_own_code(
        tmp_path: Path, fake: FakeTelegram) -> None:
    url = f"sqlite:///{tmp_path / 'outreach.db'}"
    for centre in make_centre(tmp_path, url, fake, CAMPAIGN + PLACES):  # noqa: B007
        report = centre.service.run_once(timeout=60)
        assert report.published == 1, report
        codes = centre.codes()
        miass = codes["placement:Пенсионный фонд, Миасс, ул. Ленина, 5"]
        zlatoust = codes["placement:Соцзащита, Златоуст"]
        assert miass.short_code and zlatoust.short_code and miass.short_code != zlatoust.short_code

        [kit] = [p for p in (tmp_path / "output" / "press").iterdir() if p.is_dir()]
        manifest = json.loads((kit / "manifest.json").read_text("utf-8"))
        folders = {entry["name"]: name for name, entry in manifest["places"].items()}
        here, there = (kit / "places" / folders[miass.placement],
                       kit / "places" / folders[zlatoust.placement])
        assert sorted(p.name for p in here.iterdir()) == ["a4.pdf", "a4.png", "stand.pdf",
                                                           "stand.png"]
        assert sorted(p.name for p in there.iterdir()) == ["a4.pdf", "a4.png"]
        listed = {f["name"] for f in manifest["files"]}
        assert f"places/{folders[miass.placement]}/stand.pdf" in listed
        for folder, own, other in ((here, miass, zlatoust), (there, zlatoust, miass)):
            for pdf in folder.glob("*.pdf"):
                text = pdf_text(pdf)
                assert own.short_code in text, pdf
                assert other.short_code not in text, pdf
                assert own.code not in "".join(text.split()), pdf  # never the long token
        stand = pdf_text(here / "stand.pdf")
        for caption in ("Урок в школе №5", "Посадка яблонь у библиотеки", "Хор ветеранов в ДК",
                        "Встреча наставников"):
            assert caption in stand, caption
        assert "Прогулка по набережной Златоуста" not in stand
        index = (kit / "places" / "README.txt").read_text("utf-8")
        for expected in ("Наставники", miass.placement, zlatoust.placement, miass.short_code,
                         zlatoust.short_code, f"places/{folders[miass.placement]}/",
                         "stand.pdf", "1000 × 1400"):
            assert expected in index, expected

        # The engine publishes the same publication again (a retry after a crash that
        # lost the answer): the kit is found, nothing is made twice, no new codes.
        before = {p: p.stat().st_mtime_ns for p in kit.rglob("*")}
        channel = centre.service.registry.get("press")
        with centre.store.session() as session:
            [publication] = session.exec(select(Publication))
        post = build_post(centre.store, centre.service.config, centre.service._specs_by_id(),
                          publication.id or 0, channel,
                          RenditionCache(centre.service.config.cache_dir))
        assert channel.publish(post).external_id == kit.name
        assert [p for p in kit.parent.iterdir() if p.is_dir()] == [kit]
        assert {p: p.stat().st_mtime_ns for p in kit.rglob("*")} == before
        assert centre.codes().keys() == codes.keys()

        # The same code path as `posters render --placement`: a stand for the Златоуст
        # place shows Златоуст's news, not the story's Миасс.
        result = CliRunner().invoke(cli, [
            "--config", str(tmp_path / "config.toml"), "posters", "render",
            str(publication.story_id), "--format", "stand", "--placement", zlatoust.placement,
            "--output", str(tmp_path / "one")])
        assert result.exit_code == 0, result.output
        [one] = (tmp_path / "one").glob("*.pdf")
        text = pdf_text(one)
        assert zlatoust.short_code in text and "Прогулка по набережной Златоуста" in text
        assert "Посадка яблонь у библиотеки" not in text


def test_a_placement_format_the_channel_does_not_know_is_named_before_publishing(
        tmp_path: Path, fake: FakeTelegram) -> None:
    url = f"sqlite:///{tmp_path / 'outreach.db'}"
    wrong = CAMPAIGN + PLACES.replace('["a4", "stand"]', '["a4", "stend"]')
    for centre in make_centre(tmp_path, url, fake, wrong):  # noqa: B007
        source = tmp_path / "campaigns" / "mentors.toml"
        line = source.read_text("utf-8").splitlines().index('formats = ["a4", "stend"]') + 1
        for arguments in (["campaigns", "validate"], ["campaigns", "validate", "mentors"]):
            result = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.toml"),
                                              *arguments])
            assert result.exit_code == 1, result.output
            said = " ".join(result.output.split())
            assert f"{source}:{line}: placements.formats" in said, said
            assert "'Пенсионный фонд, Миасс, ул. Ленина, 5'" in said and "'stend'" in said
            assert "(did you mean 'stand'?)" in said, said
            assert "press" in said and "Traceback" not in said

        # The service does not start a campaign file with a mistake, so nothing is printed
        # with a format missing; once corrected, it runs.
        assert centre.service.load_campaigns()
        assert centre.service.run_once(timeout=60).published == 0
        source.write_text(source.read_text("utf-8").replace("stend", "stand"), "utf-8")
        assert centre.service.load_campaigns() == []
        assert centre.service.run_once(timeout=60).published == 1
