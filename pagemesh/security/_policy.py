"""Authorization policies in gRFC A43's format: who may call which method.

The format is the one gRPC's own C++, Go and Java authorization engines read (grpcio does not expose
them), so a policy written for pagemesh reads as it would elsewhere::

    {
      "name": "pagemesh",
      "deny_rules": [{"name": "...", "source": {...}, "request": {...}}],
      "allow_rules": [
        {
          "name": "aggregator-reads",
          "source": {"principals": ["*/sa/aggregator"]},
          "request": {
            "paths": ["/pagemesh.reviews.v2.ReviewService/ListReviews"],
            "headers": [{"key": "x-tenant", "values": ["books-*"]}]
          }
        }
      ]
    }

Deny rules are checked first; a call is allowed only when an allow rule matches and no deny rule does. A
rule matches when every part it gives matches: `source.principals` (any of them) against the caller's
authenticated names (the URI SANs of its certificate, e.g. its SPIFFE ID; else its DNS SANs; else its
subject), `request.paths` (any) against `/package.Service/Method`, and each of `request.headers` (any of its
values) against the call's metadata. A rule without `source` matches every caller, also an unauthenticated
one; one without `request` matches every method. Every string pattern is exact, `prefix*`, `*suffix` or `*`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc

from pagemesh.runtime._errors import PagemeshError

__all__ = ["Decision", "Policy", "PolicyError", "Rule", "load_policy", "parse_policy"]


class PolicyError(PagemeshError):
    """A policy file cannot be read or is not a valid gRFC A43 policy; the message says where."""

    code = grpc.StatusCode.FAILED_PRECONDITION


@dataclass(frozen=True)
class _Pattern:
    """One string pattern: exact, `prefix*`, `*suffix`, or `*` for any."""

    text: str

    def matches(self, value: str) -> bool:
        text = self.text
        if text == "*":
            return True
        if text.startswith("*"):
            return value.endswith(text[1:])
        if text.endswith("*"):
            return value.startswith(text[:-1])
        return value == text


def _patterns(value: Any, where: str) -> tuple[_Pattern, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise PolicyError(f"{where} must be a non-empty list of non-empty strings")
    for text in value:
        if "*" in text[1:-1] or (text.count("*") > 1 and text != "*"):
            raise PolicyError(f"{where}: {text!r} may hold '*' only at its start or its end")
    return tuple(_Pattern(text) for text in value)


def _check_keys(value: Any, allowed: set[str], where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PolicyError(f"{where} must be a JSON object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise PolicyError(f"{where} has unknown field(s) {', '.join(map(repr, unknown))}")
    return value


_FORBIDDEN_HEADERS = ("grpc-", ":")


@dataclass(frozen=True)
class Rule:
    """One named rule; see the module docstring for what matches."""

    name: str
    principals: tuple[_Pattern, ...] | None = None
    """None: any caller, authenticated or not."""
    paths: tuple[_Pattern, ...] | None = None
    """None: any method."""
    headers: tuple[tuple[str, tuple[_Pattern, ...]], ...] = ()

    def matches(self, names: Sequence[str], path: str, metadata: Mapping[str, str]) -> bool:
        """Whether a call by a caller with `names` to `path` with `metadata` matches."""
        if self.principals is not None and not any(p.matches(n) for p in self.principals for n in names):
            return False
        if self.paths is not None and not any(p.matches(path) for p in self.paths):
            return False
        for key, values in self.headers:
            value = metadata.get(key)
            if value is None or not any(p.matches(value) for p in values):
                return False
        return True

    @classmethod
    def parse(cls, value: Any, where: str) -> Rule:
        """A rule from its JSON object; `PolicyError` naming `where` when malformed."""
        rule = _check_keys(value, {"name", "source", "request"}, where)
        name = rule.get("name")
        if not isinstance(name, str) or not name:
            raise PolicyError(f'{where} needs a non-empty "name"')
        where = f"{where} ({name!r})"
        principals = None
        if "source" in rule:
            source = _check_keys(rule["source"], {"principals"}, f"{where}.source")
            if "principals" in source:
                principals = _patterns(source["principals"], f"{where}.source.principals")
        paths = None
        headers: list[tuple[str, tuple[_Pattern, ...]]] = []
        if "request" in rule:
            request = _check_keys(rule["request"], {"paths", "headers"}, f"{where}.request")
            if "paths" in request:
                paths = _patterns(request["paths"], f"{where}.request.paths")
                for pattern in paths:
                    if not pattern.text.startswith(("/", "*")):
                        raise PolicyError(
                            f"{where}.request.paths: {pattern.text!r} is not /package.Service/Method"
                        )
            raw_headers = request.get("headers", [])
            if not isinstance(raw_headers, list):
                raise PolicyError(f"{where}.request.headers must be a list")
            for index, header in enumerate(raw_headers):
                entry = _check_keys(header, {"key", "values"}, f"{where}.request.headers[{index}]")
                key = entry.get("key")
                if not isinstance(key, str) or not key:
                    raise PolicyError(f'{where}.request.headers[{index}] needs a non-empty "key"')
                if key.lower().startswith(_FORBIDDEN_HEADERS) or key.lower() == "host":
                    raise PolicyError(
                        f"{where}.request.headers[{index}]: {key!r} cannot be matched "
                        "(pseudo-headers, grpc-* and host are not allowed, as in gRFC A43)"
                    )
                values = _patterns(entry.get("values"), f"{where}.request.headers[{index}].values")
                headers.append((key.lower(), values))
        return cls(name, principals, paths, tuple(headers))


@dataclass(frozen=True)
class Decision:
    """The outcome for one call: allowed or not, and the rule that decided (empty: no rule matched)."""

    allowed: bool
    rule: str


@dataclass(frozen=True)
class Policy:
    """A parsed policy. `decide` is called on every RPC, so decisions without header conditions are cached."""

    name: str
    deny_rules: tuple[Rule, ...]
    allow_rules: tuple[Rule, ...]
    _cache: dict[tuple[tuple[str, ...], str], Decision] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def uses_headers(self) -> bool:
        """Whether some rule looks at metadata (then decisions depend on more than caller and method)."""
        return any(rule.headers for rule in (*self.deny_rules, *self.allow_rules))

    def decide(self, names: Sequence[str], path: str, metadata: Mapping[str, str] | None = None) -> Decision:
        """Whether a caller with authenticated `names` (empty: unauthenticated) may call `path`."""
        cacheable = not self.uses_headers
        key = (tuple(names), path)
        if cacheable:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
        metadata = metadata or {}
        decision = Decision(False, "")
        for rule in self.deny_rules:
            if rule.matches(names, path, metadata):
                decision = Decision(False, rule.name)
                break
        else:
            for rule in self.allow_rules:
                if rule.matches(names, path, metadata):
                    decision = Decision(True, rule.name)
                    break
        if cacheable and len(self._cache) < 4096:
            self._cache[key] = decision
        return decision

    def named_paths(self) -> set[str]:
        """Every exact method path some rule names (patterns left out)."""
        return {
            pattern.text
            for rule in (*self.deny_rules, *self.allow_rules)
            for pattern in rule.paths or ()
            if "*" not in pattern.text
        }


def parse_policy(text: str, source: str = "the policy") -> Policy:
    """A policy from its JSON text; `PolicyError` saying what is wrong and where."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyError(
            f"{source} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    policy = _check_keys(value, {"name", "deny_rules", "allow_rules", "audit_logging_options"}, source)
    name = policy.get("name")
    if not isinstance(name, str) or not name:
        raise PolicyError(f'{source} needs a non-empty "name"')
    rules: dict[str, tuple[Rule, ...]] = {}
    for kind in ("deny_rules", "allow_rules"):
        raw = policy.get(kind, [])
        if not isinstance(raw, list):
            raise PolicyError(f"{source}: {kind} must be a list")
        rules[kind] = tuple(Rule.parse(rule, f"{source}: {kind}[{i}]") for i, rule in enumerate(raw))
    if not rules["allow_rules"]:
        raise PolicyError(f"{source} has no allow_rules, so it would deny every call")
    return Policy(name, rules["deny_rules"], rules["allow_rules"])


def load_policy(path: Path) -> Policy:
    """The policy in the file at `path`."""
    try:
        text = path.read_text()
    except OSError as error:
        raise PolicyError(f"cannot read the authorization policy {str(path)!r}: {error.strerror}") from None
    return parse_policy(text, str(path))
