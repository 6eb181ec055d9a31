"""Domain types and wire conversions shared by the services: money and time.

v1 contracts carry money as a float and time as RFC 3339 strings; v2 contracts carry Money
(units + nanos + currency) and `google.protobuf.Timestamp`. Both adapters convert from the same values
here, so v1 and v2 of a service always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from pagemesh.product.v2 import product_pb2
from pagemesh.runtime import InvalidArgumentError

__all__ = [
    "Money",
    "date_from_iso",
    "datetime_from_iso",
    "datetime_of",
    "money_v2",
    "rfc3339",
    "timestamp_of",
    "timestamp_of_date",
    "validate_id",
]


@dataclass(frozen=True)
class Money:
    """An exact amount in one currency."""

    currency_code: str
    units: int
    nanos: int

    @property
    def as_float(self) -> float:
        """The amount as a float, as v1 contracts carry it."""
        return self.units + self.nanos / 1e9


def money_v2(money: Money) -> product_pb2.Money:
    """The v2 wire form of an amount: `pagemesh.product.v2.Money`, which other v2 contracts reuse."""
    return product_pb2.Money(currency_code=money.currency_code, units=money.units, nanos=money.nanos)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def timestamp_of(moment: datetime) -> Timestamp:
    """A protobuf Timestamp of an aware datetime."""
    # Exact integer arithmetic on the timedelta: a fifth of the CPU of Timestamp.FromDatetime, which
    # goes through calendar.timegm, and it is on every history call's path (six times per page).
    since = moment - _EPOCH
    return Timestamp(seconds=since.days * 86_400 + since.seconds, nanos=since.microseconds * 1000)


_MIN_SECONDS = -62_135_596_800
"""0001-01-01T00:00:00Z, the first second a Timestamp may hold (google/protobuf/timestamp.proto)."""
_MAX_SECONDS = 253_402_300_799
"""9999-12-31T23:59:59Z, the last."""


def datetime_of(stamp: Timestamp, field: str) -> datetime:
    """The aware datetime of a Timestamp a caller sent; INVALID_ARGUMENT naming `field` if it is not valid.

    The wire carries any int64 seconds and int32 nanos; only 0001-01-01 to 9999-12-31 with nanos from 0 to
    999,999,999 is a Timestamp (and a Python datetime).
    """
    if not _MIN_SECONDS <= stamp.seconds <= _MAX_SECONDS or not 0 <= stamp.nanos <= 999_999_999:
        raise InvalidArgumentError(
            f"{field} (seconds {stamp.seconds}, nanos {stamp.nanos}) is not a valid Timestamp: seconds must "
            "be within 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z and nanos from 0 to 999999999"
        )
    return stamp.ToDatetime(tzinfo=UTC)


def timestamp_of_date(day: date) -> Timestamp:
    """A protobuf Timestamp at midnight UTC of `day`."""
    return timestamp_of(datetime(day.year, day.month, day.day, tzinfo=UTC))


def rfc3339(moment: datetime) -> str:
    """`moment` in RFC 3339 UTC with second precision, e.g. "2024-03-01T12:00:00Z"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def datetime_from_iso(text: str) -> datetime:
    """The aware datetime stored as ISO 8601 text."""
    return datetime.fromisoformat(text)


def date_from_iso(text: str) -> date:
    """The date stored as "YYYY-MM-DD"."""
    return date.fromisoformat(text)


def validate_id(value: str, field: str) -> str:
    """Returns a required ID field's value, or raises INVALID_ARGUMENT naming the field."""
    if not value or not value.strip():
        raise InvalidArgumentError(f"{field} is required")
    if len(value) > 128:
        raise InvalidArgumentError(f"{field} is longer than 128 characters")
    return value
