"""The wire conversions every service shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from services.domain import timestamp_of


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
