"""Which parts of the mesh publish and consume which events: the table the brokers' users are made from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from google.protobuf.message import Message

from pagemesh.events.v1 import events_pb2

__all__ = ["CONSUMERS", "MESH_EVENT_TYPES", "OPERATOR", "PRODUCERS", "REGISTRY_WRITER", "bus_users"]

MESH_EVENT_TYPES: Sequence[type[Message]] = (events_pb2.ProductViewed,)
"""Every event type the mesh itself publishes; `pagemesh up` registers their schemas."""

PRODUCERS: Mapping[str, Sequence[type[Message]]] = {"aggregator": (events_pb2.ProductViewed,)}
"""Part -> the event types it publishes."""

CONSUMERS: Mapping[str, Sequence[type[Message]]] = {
    "history": (events_pb2.ProductViewed,),
    "recommendations": (events_pb2.ProductViewed,),
}
"""Service -> the event types its consumer group (named after it) handles."""

REGISTRY_WRITER = "registry"
"""The bus user that registers schemas (`pagemesh up`, `pagemesh events register` from CI)."""
OPERATOR = "operator"
"""The bus user of people's tools (`pagemesh events ...`): every permission."""


def bus_users() -> list[str]:
    """Every user of the mesh's Redis or Kafka: the operator, the registry writer, each producer and
    consumer."""
    return [OPERATOR, REGISTRY_WRITER, *PRODUCERS, *CONSUMERS]
