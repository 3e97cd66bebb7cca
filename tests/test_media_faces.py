"""Crops that keep people: real photographs of a face composed into group shots.

The photographs come from tests/faces_support.py. Each group shot is checked as
a person would: the crop is cut out and the faces in it are counted again.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from faces_support import group, sample
from PIL import Image

from outreach.channels import MediaLimits
from outreach.media import faces as faces_module
from outreach.media.faces import Face, best_portrait, crop_box, detect_faces, faces_in
from outreach.media.renditions import make_rendition

# Frames every crop is asked for: A4 and A3 photo slots, the stand, the billboard
# (6 x 3 m), the square social card, a phone story, a wide TV still.
ASPECTS = (210 / 297, 297 / 210, 1000 / 1400, 2.0, 1.0, 9 / 16, 16 / 9, 4 / 3)


def faces_after_crop(path: Path, box: tuple[int, int, int, int]) -> int:
    with Image.open(path) as image:
        return len(faces_in(image.convert("RGB").crop(box)))


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    faces_module.clear_cache()


@pytest.fixture
def three_left(tmp_path: Path) -> Path:
    """Three people standing together at the left of a wide photo of a hall."""
    return group(tmp_path / "three-left.jpg", (2400, 1000),
                 [(100, 560, 1.0), (300, 600, 1.0), (500, 540, 1.0)])


@pytest.fixture
def three_low(tmp_path: Path) -> Path:
    """Three people sitting low in a tall photo: today's rule keeps the ceiling."""
    return group(tmp_path / "three-low.jpg", (2000, 3600),
                 [(100, 2700, 1.7), (700, 2750, 1.7), (1300, 2650, 1.7)])


def test_the_sample_photographs_have_the_faces_the_tests_count(three_left: Path,
                                                               three_low: Path) -> None:
    assert len(faces_in(sample("astronaut.png"))) == 1
    assert len(detect_faces(three_left)) == 3
    assert len(detect_faces(three_low)) == 3
    assert faces_in(sample("coffee.png")) == ()


@pytest.mark.parametrize("aspect", ASPECTS)
def test_a_group_of_three_stays_three_in_every_crop(three_left: Path, three_low: Path,
                                                    aspect: float) -> None:
    for photo in (three_left, three_low):
        with Image.open(photo) as image:
            size = image.size
        box = crop_box(size, aspect, detect_faces(photo), top_share=0.4)
        assert abs((box[2] - box[0]) / (box[3] - box[1]) - aspect) < 0.01
        assert faces_after_crop(photo, box) == 3, (photo.name, aspect, box)


def test_todays_rule_would_have_lost_them(three_left: Path, three_low: Path) -> None:
    """The group photos above are ones the old rule cut people out of."""
    assert faces_after_crop(three_left, crop_box((2400, 1000), 1.0, ())) == 0
    assert faces_after_crop(three_low, crop_box((2000, 3600), 297 / 210, (),
                                                top_share=0.4)) == 0


def test_a_photo_without_faces_keeps_todays_rule(tmp_path: Path) -> None:
    path = tmp_path / "coffee.png"
    sample("coffee.png").save(path)  # 600 x 400
    assert detect_faces(path) == ()
    # Sides cut evenly; 40 % of the height cut from the top, as posters always did.
    assert crop_box((600, 400), 1.0, detect_faces(path)) == (100, 0, 500, 400)
    assert crop_box((400, 600), 1.0, (), top_share=0.4) == (0, 80, 400, 480)
    assert crop_box((400, 600), 1.0, ()) == (0, 100, 400, 500)


def test_faces_get_room_above_for_hair_and_sit_above_the_middle() -> None:
    face = Face(0.4, 0.7, 0.6, 0.8)  # low in a tall 1000 x 3000 photo
    left, top, right, bottom = crop_box((1000, 3000), 1.0, [face])
    face_top, face_bottom = 0.7 * 3000, 0.8 * 3000
    assert top < face_top - 0.45 * 300  # the hair is in
    assert bottom > face_bottom + 0.35 * 300  # and the chin
    middle = (face_top + face_bottom) / 2
    assert 0.35 < (middle - top) / (bottom - top) < 0.45


def test_a_group_too_wide_for_the_frame_keeps_the_most_whole_faces() -> None:
    # A tall frame from a panorama: two people at the left, one far right.
    people = [Face(0.05, 0.3, 0.1, 0.4), Face(0.12, 0.3, 0.17, 0.4), Face(0.9, 0.3, 0.95, 0.4)]
    left, _top, right, _bottom = crop_box((4000, 1000), 0.5, people)
    kept = [f for f in people if f.left * 4000 >= left and f.right * 4000 <= right]
    assert kept == people[:2]


def test_the_largest_face_is_the_portrait(tmp_path: Path) -> None:
    far = group(tmp_path / "far.jpg", (2400, 1600), [(900, 700, 1.0)])
    near = group(tmp_path / "near.jpg", (2400, 1600), [(700, 300, 3.0)])
    empty = tmp_path / "coffee.jpg"
    sample("coffee.png").save(empty)
    assert best_portrait([empty, far, near]) == near
    assert best_portrait([empty]) is None


def test_faces_are_found_once_per_file_until_it_changes(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    photo = group(tmp_path / "one.jpg", (1600, 1200), [(600, 300, 2.0)])
    calls: list[int] = []
    real = faces_module.faces_in

    def counting(image: Image.Image) -> tuple[Face, ...]:
        calls.append(1)
        return real(image)

    monkeypatch.setattr(faces_module, "faces_in", counting)
    assert detect_faces(photo) == detect_faces(photo)
    assert len(calls) == 1
    group(photo, (1600, 1200), [(100, 300, 2.0)])  # the volunteer replaced the photo
    stat = photo.stat()
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    moved = detect_faces(photo)
    assert len(calls) == 2
    assert moved[0].left < 0.2


def test_faces_follow_the_exif_orientation(tmp_path: Path) -> None:
    """A phone photo stored sideways: faces are where the upright photo has them."""
    upright = group(tmp_path / "upright.jpg", (1200, 2000), [(100, 1300, 2.0)])
    with Image.open(upright) as image:
        sideways = image.rotate(90, expand=True)  # stored turned left
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view"
    stored = tmp_path / "sideways.jpg"
    sideways.save(stored, exif=exif, quality=92)
    found = detect_faces(stored)
    assert len(found) == 1
    assert found[0].top > 0.6 and found[0].left < 0.4


def test_an_unreadable_photo_has_no_faces(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a photo")
    assert detect_faces(broken) == ()
    assert detect_faces(tmp_path / "missing.jpg") == ()


def test_a_rendition_cropped_to_the_platforms_ratio_keeps_the_people(tmp_path: Path) -> None:
    """A panorama longer than a platform takes (3:1 here) loses its empty end, not them."""
    photo = group(tmp_path / "panorama.jpg", (4000, 1000),
                  [(100, 600, 1.0), (300, 640, 1.0), (500, 580, 1.0)])
    out = make_rendition(photo, MediaLimits(max_ratio=3.0), tmp_path / "out.jpg")
    assert (out.width, out.height) == (3000, 1000)
    with Image.open(out.path) as image:
        assert len(faces_in(image.convert("RGB"))) == 3


def test_without_opencv_crops_keep_the_old_rule_and_the_log_says_how_to_fix(
        three_left: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    import builtins

    real_import = builtins.__import__

    def no_cv2(name: str, *args: object, **kwargs: object) -> object:
        if name == "cv2":
            raise ImportError("No module named 'cv2'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_cv2)
    faces_module._cascade.cache_clear()
    try:
        assert detect_faces(three_left) == ()
    finally:
        faces_module._cascade.cache_clear()
    assert "pip install 'opencv-python-headless" in caplog.text
