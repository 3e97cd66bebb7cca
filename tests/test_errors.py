"""outreach.errors: the reason a file could not be used, in words a volunteer understands."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from outreach.channels import os_reason
from outreach.i18n import language


def _error_of(action) -> OSError:
    with pytest.raises(OSError) as caught:
        action()
    return caught.value


def test_a_missing_file_is_said_plainly_in_both_languages(tmp_path: Path) -> None:
    error = _error_of(lambda: (tmp_path / "нет.jpg").read_bytes())
    assert os_reason(error) == "the file or folder does not exist"
    with language("ru"):
        assert os_reason(error) == "такого файла или папки нет"


def test_a_folder_where_a_file_should_be(tmp_path: Path) -> None:
    error = _error_of(lambda: tmp_path.read_bytes())
    with language("ru"):
        assert os_reason(error) == "это папка, а не файл"


@pytest.mark.parametrize(("code", "russian"), [
    (errno.ENOSPC, "диск заполнен"),
    (errno.EACCES, "нет прав на чтение или запись"),
    (errno.EROFS, "на диск нельзя записывать, только читать "
                  "(карта или флешка защищена от записи?)"),
])
def test_what_a_person_can_fix_is_named(code: int, russian: str) -> None:
    error = OSError(code, "system wording")
    with language("ru"):
        assert os_reason(error) == russian
    assert "system wording" not in os_reason(error)


def test_anything_else_keeps_the_systems_own_words() -> None:
    assert os_reason(OSError(errno.EPIPE, "Broken pipe")) == "Broken pipe"
    assert os_reason(OSError("no errno at all")) == "no errno at all"
