"""The Prometheus text format as written, read back by prometheus-client's own parser."""

from __future__ import annotations

import math

import pytest
from prometheus_client.parser import text_string_to_metric_families

from outreach.monitoring.exposition import Family, render


def test_help_type_and_samples_are_written_as_the_format_says() -> None:
    text = render([
        Family("outreach_queue_length", "gauge", "Publications planned or being sent.").add(3),
        Family("outreach_publications", "gauge", "By channel and status.")
        .add(1, channel="vk", status="failed").add(2.5, channel="vk", status="planned"),
    ])
    assert text == (
        "# HELP outreach_queue_length Publications planned or being sent.\n"
        "# TYPE outreach_queue_length gauge\n"
        "outreach_queue_length 3\n"
        "# HELP outreach_publications By channel and status.\n"
        "# TYPE outreach_publications gauge\n"
        'outreach_publications{channel="vk",status="failed"} 1\n'
        'outreach_publications{channel="vk",status="planned"} 2.5\n')


def test_escaped_labels_and_help_read_back_as_they_were() -> None:
    awkward = 'газета "Вперёд"\\Миасс\nвторая строка'
    text = render([
        Family("outreach_signups", "gauge", "Help with a \\ backslash\nand a line feed.")
        .add(7, channel=awkward).add(float("nan"), channel="nan")
        .add(float("inf"), channel="inf").add(1_767_225_600.25, channel="time"),
    ])
    (family,) = text_string_to_metric_families(text)
    assert family.name == "outreach_signups" and family.type == "gauge"
    assert family.documentation == "Help with a \\ backslash\nand a line feed."
    values = {s.labels["channel"]: s.value for s in family.samples}
    assert values[awkward] == 7
    assert math.isnan(values["nan"]) and values["inf"] == math.inf
    assert values["time"] == 1_767_225_600.25


@pytest.mark.parametrize(("name", "labels"), [("outreach-queue", {}),
                                              ("outreach_x", {"__name": "x"}),
                                              ("outreach_x", {"channel-name": "x"})])
def test_a_name_the_format_does_not_allow_is_refused(name: str, labels: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="not a"):
        render([Family(name, "gauge", "x").add(1, **labels)])
