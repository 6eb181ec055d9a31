"""The wire conversions every service shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from pagemesh.runtime import InvalidArgumentError
from services.domain import datetime_of, timestamp_of


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2024, 3, 1, 12, 0, 0, 123456, tzinfo=UTC),
        datetime(1970, 1, 1, tzinfo=UTC),
        # Before the epoch, with microseconds: seconds round down and nanos stay positive.
        datetime(1960, 5, 3, 1, 2, 3, 999999, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2030, 1, 1, tzinfo=timezone(timedelta(hours=9, minutes=30))),
    ],
)
def test_timestamp_of_agrees_with_protobuf(moment: datetime) -> None:
    expected = Timestamp()
    expected.FromDatetime(moment.astimezone(UTC))
    assert timestamp_of(moment) == expected
    assert timestamp_of(moment).ToDatetime(tzinfo=UTC) == moment


def test_datetime_of_accepts_the_whole_timestamp_range_and_names_the_field_beyond_it() -> None:
    assert datetime_of(Timestamp(seconds=-62_135_596_800), "t") == datetime(1, 1, 1, tzinfo=UTC)
    last = datetime_of(Timestamp(seconds=253_402_300_799, nanos=999_999_000), "t")
    assert last == datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    for bad in (
        Timestamp(seconds=-(2**63)),
        Timestamp(seconds=253_402_300_800),
        Timestamp(seconds=0, nanos=-1),
        Timestamp(seconds=0, nanos=1_000_000_000),
    ):
        with pytest.raises(InvalidArgumentError, match=r"view_time .* is not a valid Timestamp"):
            datetime_of(bad, "view_time")
