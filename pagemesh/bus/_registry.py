"""The schema registry every backend stores: which schema versions each event type has, checked on the way in.

Registering a schema that is already registered (same fingerprint) changes nothing and says which version
it is. A new one becomes the next version only if the compatibility rules find nothing against **every**
earlier version (transitive, like Confluent's BACKWARD_TRANSITIVE); otherwise it is refused with the
findings. The backend's compare-and-set on the version number makes two concurrent registrations take
turns: the loser checks again against the winner.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from pagemesh.bus._backend import Backend, StoredSchema
from pagemesh.bus._errors import BusUnavailableError, IncompatibleSchemaError
from pagemesh.bus._schema import RULE_CATEGORIES, Schema, check_against

__all__ = ["Registration", "SchemaRegistry"]

_CAS_ATTEMPTS = 8


@dataclass(frozen=True)
class Registration:
    """The outcome of registering one schema."""

    type_name: str
    version: int
    fingerprint: str
    created: bool
    """False when this exact schema was registered already."""


class SchemaRegistry:
    """The registry stored in one backend, with a cache of what it has seen."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._by_fingerprint: dict[str, StoredSchema] = {}

    async def versions(self) -> list[StoredSchema]:
        """Every registered version, by subject then version (refreshing the cache)."""
        stored = await self._backend.schemas()
        self._by_fingerprint.update({s.fingerprint: s for s in stored})
        return stored

    def known(self, fingerprint: str) -> StoredSchema | None:
        """The registered version with this fingerprint, as last seen (no broker call)."""
        return self._by_fingerprint.get(fingerprint)

    async def lookup(self, fingerprint: str) -> StoredSchema | None:
        """The registered version with this fingerprint, asking the broker when it is not cached."""
        if fingerprint not in self._by_fingerprint:
            await self.versions()
        return self._by_fingerprint.get(fingerprint)

    async def register(self, schema: Schema) -> Registration:
        """Registers `schema` as its type's next version, or refuses it (`IncompatibleSchemaError`)."""
        for _ in range(_CAS_ATTEMPTS):
            stored = [s for s in await self.versions() if s.subject == schema.type_name]
            for version in stored:
                if version.fingerprint == schema.fingerprint:
                    return Registration(schema.type_name, version.version, schema.fingerprint, created=False)
            findings = check_against(schema, [Schema.from_bytes(s.subject, s.schema) for s in stored])
            if findings:
                first = findings[0]
                raise IncompatibleSchemaError(
                    f"the new schema of {schema.type_name} ({schema.fingerprint[:19]}…) breaks "
                    f"{'version' if len(stored) == 1 else 'versions'} "
                    f"{', '.join(str(s.version) for s in stored)} under {' and '.join(RULE_CATEGORIES)}: "
                    f"{len(findings)} finding{'s' if len(findings) != 1 else ''}, first {first.rule}: "
                    f"{first.message}",
                    findings,
                )
            number = max((s.version for s in stored), default=0) + 1
            new = StoredSchema(schema.type_name, number, schema.fingerprint, schema.to_bytes(), time.time())
            if await self._backend.add_schema(new):
                self._by_fingerprint[new.fingerprint] = new
                return Registration(schema.type_name, number, schema.fingerprint, created=True)
        raise BusUnavailableError(
            f"could not register {schema.type_name}: other registrations kept taking the next version"
        )
