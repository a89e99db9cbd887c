"""The one stored timestamp format: written by ``iso``, read back by ``parse``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from pipeline.clock import iso, parse, parse_optional, utcnow


def test_iso_is_second_precision_with_a_z() -> None:
    assert iso(datetime(2026, 3, 5, 14, 2, 9, 123456, tzinfo=UTC)) == "2026-03-05T14:02:09Z"


def test_parse_reads_back_what_iso_wrote() -> None:
    when = datetime(2026, 3, 5, 14, 2, 9, tzinfo=UTC)
    assert parse(iso(when)) == when
    assert parse(iso(when)).utcoffset() == timedelta(0)


def test_parse_keeps_other_offsets() -> None:
    assert parse("2026-03-05T15:02:09+01:00") == datetime(2026, 3, 5, 14, 2, 9, tzinfo=UTC)
    assert parse("2026-03-05T15:02:09+01:00").tzinfo == timezone(timedelta(hours=1))


def test_parse_optional_reads_no_value_as_none() -> None:
    assert parse_optional(None) is None
    assert parse_optional("") is None
    assert parse_optional("2026-03-05T14:02:09Z") == datetime(2026, 3, 5, 14, 2, 9, tzinfo=UTC)


def test_utcnow_is_aware_utc() -> None:
    now = utcnow()
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)
