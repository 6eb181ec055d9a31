"""Where events live on each broker: topic, stream and registry names, in one place."""

from __future__ import annotations

__all__ = [
    "KAFKA_DLQ_PREFIX",
    "KAFKA_REGISTRY_TOPIC",
    "REDIS_DLQ_PREFIX",
    "REDIS_REGISTRY_KEY",
    "REDIS_STREAM_PREFIX",
    "redis_stream",
    "topic_of",
]

REDIS_STREAM_PREFIX = "pagemesh:events:"
"""A topic's Redis stream is this prefix and the topic."""
REDIS_DLQ_PREFIX = "pagemesh:dlq:"
"""A consumer group's Redis dead-letter stream is this prefix and the group."""
REDIS_REGISTRY_KEY = "pagemesh:schemas"
"""The Redis stream of the schema registry."""
KAFKA_REGISTRY_TOPIC = "_pagemesh_schemas"
"""The compacted Kafka topic of the schema registry."""
KAFKA_DLQ_PREFIX = "pagemesh.dlq."
"""A consumer group's Kafka dead-letter topic is this prefix and the group."""


def topic_of(type_name: str) -> str:
    """The topic (Kafka topic, Redis stream suffix, SQLite topic) of an event type: its full name."""
    return type_name


def redis_stream(topic: str) -> str:
    """The Redis stream of a topic."""
    return REDIS_STREAM_PREFIX + topic
