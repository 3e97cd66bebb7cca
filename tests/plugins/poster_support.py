"""What the poster tests share: a centre, camera photos with EXIF, content, a channel."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from outreach_local_media import LocalMediaChannel
from outreach_local_media.posters import PosterContent
from outreach_testing import make_registry, make_test_config

LINK = "https://t.me/silver_volunteers_bot?start=Ab3dEf9hJk2m"
ROOT = Path(__file__).resolve().parents[2]
LOGO = ROOT / "media" / "brand" / "logo.png"
CENTRE = {"name": "Ресурсный центр серебряного волонтёрства Челябинской области",
          "slogan": "Добро не стареет", "phone": "+7 (351) 000-00-00",
          "website": "silver.example.org", "logo": str(LOGO),
          "address": "Челябинск, ул. Кирова, 10"}


def camera_photo(path: Path, size: tuple[int, int] = (1600, 1200)) -> Path:
    """A JPEG with EXIF (a camera model and a GPS block) that must not reach a poster."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    exif[0x0110] = "Camera X"  # Model
    exif[0x8825] = {2: (55.0, 6.0, 0.0)}  # GPSInfo: latitude
    image.save(path, "JPEG", exif=exif)
    return path


def content(tmp_path: Path, count: int = 2, **changes: object) -> PosterContent:
    paths = [camera_photo(tmp_path / f"p{i}.jpg") for i in range(count)]
    values = dict(title="Серебряные волонтёры в школе №5",
                  line="Волонтёры провели урок профориентации для девятиклассников.",
                  photos=paths, centre_name=CENTRE["name"], slogan=CENTRE["slogan"],
                  website=CENTRE["website"], logo=LOGO, call_to_action="Станьте волонтёром!",
                  phone=CENTRE["phone"], short_code="MIA-7", link=LINK,
                  credits=["Фото: Ирина Петрова"] * count, address=CENTRE["address"])
    values.update(changes)
    return PosterContent(**values)  # type: ignore[arg-type]


def make_channel(tmp_path: Path, centre: dict | None = None, **settings: object
                 ) -> LocalMediaChannel:
    config = make_test_config(tmp_path, {"press": {"plugin": "local-media", **settings}},
                              centre=centre or CENTRE)
    made = make_registry(config, [LocalMediaChannel]).get("press")
    assert isinstance(made, LocalMediaChannel)
    return made
