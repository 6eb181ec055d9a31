"""Differential testing against buf: random, valid schema pairs on which both checkers must agree exactly.

The corpus holds hand-written cases for every rule; this generator finds what nobody thought to write
(it found that buf locates map entry keys on the `map<K, V>` type). A seed fully determines a pair, so a
failure is reproducible: `.venv/bin/python -m tests.compat.differential 0 500` checks seeds 0 to 499 and
prints every disagreement.
"""

from __future__ import annotations

import copy
import json
import random
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from compat import render, run_check
from tests.compat.conftest import buf

SCALARS = [
    "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64",
    "sfixed32", "sfixed64", "bool", "string", "bytes", "double", "float",
]  # fmt: skip
SIXTY_FOUR = {"int64", "uint64", "sint64", "fixed64", "sfixed64"}
DEFAULTS = {
    "int32": ["0", "1", "3"],
    "string": ['"x"', '"y"'],
    "bool": ["true", "false"],
    "double": ["1.5", "2"],
}
EVERY_RULE = (
    "FILE, PACKAGE, WIRE_JSON, WIRE, CSR, FIELD_NO_DELETE_UNLESS_NAME_RESERVED, "
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED, ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED, "
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED, FIELD_WIRE_COMPATIBLE_TYPE, "
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE, FIELD_WIRE_COMPATIBLE_CARDINALITY, "
    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY"
)
CONFIG = f"version: v2\nbreaking:\n  use: [{EVERY_RULE}]\n"


@dataclass
class FieldSpec:
    number: int
    name: str
    kind: str  # a scalar, "En0", "Msg0" or "map"
    label: str = ""  # "", "optional", "required" or "repeated"
    options: list[str] = field(default_factory=list)
    in_oneof: bool = False


@dataclass
class MessageSpec:
    name: str
    fields: list[FieldSpec]
    reserved_numbers: list[int] = field(default_factory=list)
    reserved_names: list[str] = field(default_factory=list)


@dataclass
class EnumSpec:
    name: str
    values: list[tuple[str, int]]
    reserved_numbers: list[int] = field(default_factory=list)
    reserved_names: list[str] = field(default_factory=list)


@dataclass
class Schema:
    syntax: str  # "proto2", "proto3" or "editions"
    enums: list[EnumSpec]
    messages: list[MessageSpec]
    rpc: tuple[bool, bool, str] | None = None  # client streaming, server streaming, idempotency level
    go_package: str = ""
    closed_enum: bool = False  # editions: En0 declares enum_type CLOSED
    legacy_json: bool = False  # editions: Msg0 declares json_format LEGACY_BEST_EFFORT
    extension_range: tuple[int, int] | None = None  # proto2: Msg0 accepts extensions in this range
    extensions: list[int] = field(default_factory=list)  # proto2: extension numbers declared on Msg0
    nested: bool = False  # Msg0 has a nested message and enum
    other_file: str = ""  # package of b.proto (with a message, an enum and a service), or no b.proto
    other_in_a: bool = False  # b.proto's message lives in a.proto instead


def _random_field(rng: random.Random, number: int, syntax: str) -> FieldSpec:
    kind = rng.choice([*SCALARS, "En0", "Msg0", "map"])
    spec = FieldSpec(number, f"f{number}", kind, rng.choice(["", "repeated", "optional"]))
    if syntax == "proto2" and spec.label == "":
        spec.label = "required" if rng.random() < 0.2 else "optional"
    if syntax == "proto2" and spec.label == "optional" and kind in DEFAULTS and rng.random() < 0.4:
        spec.options.append(f"default = {rng.choice(DEFAULTS[kind])}")
    if kind in SIXTY_FOUR and rng.random() < 0.3:
        spec.options.append("jstype = JS_STRING")
    if rng.random() < 0.2:
        spec.options.append(f'json_name = "j{number}"')
    if syntax == "editions" and kind not in ("map", "Msg0", "En0") and rng.random() < 0.3:
        spec.options.append(f"features.field_presence = {rng.choice(['IMPLICIT', 'EXPLICIT'])}")
    if syntax == "editions" and kind == "string" and rng.random() < 0.3:
        spec.options.append("features.utf8_validation = NONE")
    spec.in_oneof = rng.random() < 0.2
    return spec


def random_schema(rng: random.Random) -> Schema:
    syntax = rng.choice(["proto2", "proto3", "editions"])
    enums = []
    for e in range(rng.randint(1, 2)):
        values = [(f"E{e}_ZERO", 0)] + [(f"E{e}_V{i}", i) for i in range(1, rng.randint(2, 4))]
        enums.append(EnumSpec(f"En{e}", values, [rng.randint(10, 20)] if rng.random() < 0.3 else []))
        if rng.random() < 0.3:
            enums[-1].reserved_names.append("OLD_VALUE")
    messages = []
    for m in range(rng.randint(1, 3)):
        fields = [_random_field(rng, number, syntax) for number in range(1, rng.randint(2, 6))]
        message = MessageSpec(f"Msg{m}", fields, [rng.randint(30, 40)] if rng.random() < 0.3 else [])
        if rng.random() < 0.3:
            message.reserved_names.append("old_field")
        messages.append(message)
    rpc = (
        (rng.random() < 0.3, rng.random() < 0.3, rng.choice(["", "NO_SIDE_EFFECTS"]))
        if rng.random() < 0.7
        else None
    )
    schema = Schema(syntax, enums, messages, rpc, rng.choice(["", "example.com/fz/v1"]))
    schema.closed_enum = rng.random() < 0.3
    schema.legacy_json = rng.random() < 0.2
    if rng.random() < 0.5:
        schema.extension_range = (100, rng.choice([150, 199, 536_870_911]))
        schema.extensions = [100 + i for i in range(rng.randint(0, 2))]
    schema.nested = rng.random() < 0.5
    schema.other_file = rng.choice(["", "fz.v1", "fz.other.v1"])
    return normalized(schema)


def mutate(rng: random.Random, schema: Schema) -> Schema:
    """One to three random edits, breaking or not."""
    changed = copy.deepcopy(schema)
    for _ in range(rng.randint(1, 3)):
        message = rng.choice(changed.messages)
        edit = rng.random()
        if edit < 0.15 and message.fields:
            message.fields.pop(rng.randrange(len(message.fields)))
        elif edit < 0.3 and message.fields:
            chosen = rng.choice(message.fields)
            chosen.kind = rng.choice([*SCALARS, "En0", "Msg0"])
            chosen.options = [
                o for o in chosen.options if not o.startswith("default")
            ]  # typed by the old kind
        elif edit < 0.4 and message.fields:
            rng.choice(message.fields).name += "_renamed"
        elif edit < 0.5 and message.fields:
            rng.choice(message.fields).label = rng.choice(["", "repeated", "optional", "required"])
        elif edit < 0.6:
            enum = rng.choice(changed.enums)
            if len(enum.values) > 1 and rng.random() < 0.6:
                enum.values.pop()
            elif len(enum.values) > 1:
                name, number = enum.values[-1]
                enum.values[-1] = (name + "_RENAMED", number)
            enum.reserved_numbers, enum.reserved_names = [], [] if rng.random() < 0.5 else enum.reserved_names
        elif edit < 0.65:
            message.reserved_numbers, message.reserved_names = [], []
        elif edit < 0.7 and changed.rpc:
            client, server, _ = changed.rpc
            changed.rpc = (not client, server, "IDEMPOTENT")
        elif edit < 0.75:
            changed.go_package = "example.com/other/v1"
        elif edit < 0.8 and len(changed.messages) > 1:
            changed.messages.pop()
        elif edit < 0.85 and message.fields:
            chosen = rng.choice(message.fields)
            chosen.in_oneof = not chosen.in_oneof
        elif edit < 0.9 and message.fields:
            chosen = rng.choice(message.fields)
            chosen.options = [
                o.replace('"j', '"k').replace("1.5", "2.5").replace("true", "false") for o in chosen.options
            ]
        elif edit < 0.93:
            structure = rng.choice(["enum", "json", "range", "extension", "nested", "file", "move"])
            if structure == "enum":
                changed.closed_enum = not changed.closed_enum
            elif structure == "json":
                changed.legacy_json = not changed.legacy_json
            elif structure == "range" and changed.extension_range:
                changed.extension_range = (100, rng.choice([120, 150, 199]))
            elif structure == "extension" and changed.extensions:
                changed.extensions.pop()
            elif structure == "nested":
                changed.nested = not changed.nested
            elif structure == "file":
                changed.other_file = rng.choice(["", "fz.v1", "fz.other.v1", "fz.moved.v1"])
            elif structure == "move":
                changed.other_in_a = not changed.other_in_a
        else:
            changed.syntax = rng.choice(["proto2", "proto3", "editions"])
    return normalized(changed)


def normalized(schema: Schema) -> Schema:
    """Drops whatever the chosen syntax (or protoc, or buf) would reject, so every pair compiles."""
    if schema.syntax != "editions":
        schema.closed_enum = schema.legacy_json = False
    if schema.syntax == "proto3":
        schema.extension_range, schema.extensions = None, []
    if schema.extension_range is None:
        schema.extensions = []
    else:
        schema.extensions = [n for n in schema.extensions if n <= schema.extension_range[1]]
    if not schema.other_file:
        schema.other_in_a = False
    elif schema.other_file != "fz.v1" and schema.other_in_a:
        schema.other_file = "fz.v1"  # a moved message keeps its package, so only same-package moves
    for message in schema.messages:
        for spec in message.fields:
            if spec.kind == "map" or spec.label in ("repeated", "required"):
                spec.in_oneof = False
            if spec.kind == "map":
                spec.label = ""
            if schema.syntax != "proto2" and spec.label == "required":
                spec.label = "optional" if schema.syntax == "proto3" else ""
            if schema.syntax == "proto2" and spec.label == "" and spec.kind != "map" and not spec.in_oneof:
                spec.label = "optional"
            if spec.in_oneof or (schema.syntax == "editions" and spec.label == "optional"):
                spec.label = ""
            keep = []
            for option in spec.options:
                if option.startswith("default") and (
                    schema.syntax != "proto2" or spec.label != "optional" or spec.kind not in DEFAULTS
                ):
                    continue
                if option.startswith("jstype") and (spec.kind not in SIXTY_FOUR or spec.kind == "map"):
                    continue
                if option.startswith("features") and schema.syntax != "editions":
                    continue
                if "field_presence" in option and (
                    spec.label == "repeated" or spec.kind in ("map", "Msg0", "En0") or spec.in_oneof
                ):
                    continue
                if "utf8_validation" in option and spec.kind != "string":
                    continue
                keep.append(option)
            spec.options = keep
    return schema


def _field_line(spec: FieldSpec) -> str:
    kind = "map<string, int32>" if spec.kind == "map" else spec.kind
    label = f"{spec.label} " if spec.label else ""
    options = f" [{', '.join(spec.options)}]" if spec.options else ""
    return f"{label}{kind} {spec.name} = {spec.number}{options};"


def _reserved(schema: Schema, numbers: list[int], names: list[str]) -> list[str]:
    lines = [f"  reserved {', '.join(map(str, numbers))};"] if numbers else []
    if names:  # editions spells reserved names as identifiers, the older syntaxes as strings
        spelled = names if schema.syntax == "editions" else [f'"{n}"' for n in names]
        lines.append(f"  reserved {', '.join(spelled)};")
    return lines


def _header(schema: Schema, package: str) -> list[str]:
    syntax = 'edition = "2023";' if schema.syntax == "editions" else f'syntax = "{schema.syntax}";'
    return [syntax, "", f"package {package};", ""]


OTHER_MESSAGE = "message Other {\n  string note = 1;\n}"


def render_other(schema: Schema) -> str:
    """b.proto: a second file, in the same package as a.proto or in another one."""
    optional = "optional " if schema.syntax == "proto2" else ""
    lines = _header(schema, schema.other_file)
    if not schema.other_in_a:
        lines.append(OTHER_MESSAGE.replace("string note", f"{optional}string note"))
    lines += [
        "enum OtherKind {",
        "  OTHER_KIND_ZERO = 0;",
        "}",
        "service OtherService {",
        "  rpc Ping(Pong) returns (Pong);",
        "}",
    ]
    lines += ["message Pong {}"]
    return "\n".join(lines) + "\n"


def render_schema(schema: Schema) -> str:
    lines = _header(schema, "fz.v1")
    if schema.go_package:
        lines += [f'option go_package = "{schema.go_package}";', ""]
    optional = "optional " if schema.syntax == "proto2" else ""
    for enum in schema.enums:
        lines.append(f"enum {enum.name} {{")
        if schema.closed_enum and enum.name == "En0":
            lines.append("  option features.enum_type = CLOSED;")
        lines += [f"  {name} = {number};" for name, number in enum.values]
        lines += [*_reserved(schema, enum.reserved_numbers, enum.reserved_names), "}"]
    for message in schema.messages:
        lines.append(f"message {message.name} {{")
        if message.name == "Msg0":
            if schema.legacy_json:
                lines.append("  option features.json_format = LEGACY_BEST_EFFORT;")
            if schema.nested:
                lines += ["  message Inner {", f"    {optional}int32 depth = 1;", "  }"]
                lines += ["  enum InnerKind {", "    INNER_KIND_ZERO = 0;", "  }"]
            if schema.extension_range:
                start, end = schema.extension_range
                lines.append(f"  extensions {start} to {'max' if end == 536_870_911 else end};")
        lines += [f"  {_field_line(spec)}" for spec in message.fields if not spec.in_oneof]
        oneof = [spec for spec in message.fields if spec.in_oneof]
        if oneof:
            lines += ["  oneof choice {", *(f"    {_field_line(spec)}" for spec in oneof), "  }"]
        lines += [*_reserved(schema, message.reserved_numbers, message.reserved_names), "}"]
    if schema.extensions:
        lines += ["extend Msg0 {", *(f"  {optional}int32 ext{n} = {n};" for n in schema.extensions), "}"]
    if schema.other_in_a:
        lines.append(OTHER_MESSAGE.replace("string note", f"{optional}string note"))
    if schema.rpc:
        client, server, idempotency = schema.rpc
        rpc = f"  rpc Get({'stream ' if client else ''}Msg0) returns ({'stream ' if server else ''}Msg0)"
        rpc += f" {{\n    option idempotency_level = {idempotency};\n  }}" if idempotency else ";"
        lines += ["service Svc {", rpc, "}"]
    return "\n".join(lines) + "\n"


def write_pair(root: Path, seed: int) -> None:
    rng = random.Random(seed)
    previous = random_schema(rng)
    current = mutate(rng, previous)
    for side, schema in (("previous", previous), ("current", current)):
        directory = root / side / str(seed)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "buf.yaml").write_text(CONFIG, encoding="utf-8")
        (directory / "a.proto").write_text(render_schema(schema), encoding="utf-8")
        if schema.other_file:
            (directory / "b.proto").write_text(render_other(schema), encoding="utf-8")


def _buf(root: Path, seed: int) -> list[str] | None:
    """buf's findings as JSON lines, or None when buf rejects the pair (compile errors come as findings)."""
    result = buf(
        root, "breaking", f"current/{seed}", "--against", f"previous/{seed}", "--error-format", "json"
    )
    lines = sorted(result.stdout.splitlines())
    if result.returncode not in (0, 100) or any('"type":"COMPILE"' in line for line in lines):
        return None
    return lines


def disagreements(root: Path, seeds: range) -> tuple[int, list[str]]:
    """(pairs compared, one description per pair where buf and pagemesh differ)."""
    for seed in seeds:
        write_pair(root, seed)
    with ThreadPoolExecutor(max_workers=4) as pool:
        buf_results = list(pool.map(lambda seed: _buf(root, seed), seeds))
    compared, problems = 0, []
    for seed, theirs in zip(seeds, buf_results, strict=True):
        if theirs is None:
            continue
        compared += 1
        ours = sorted(
            render(run_check(f"current/{seed}", f"previous/{seed}", cwd=root).findings, "json").splitlines()
        )
        if ours != theirs:
            only_buf = [json.loads(x) for x in sorted(set(theirs) - set(ours))]
            only_ours = [json.loads(x) for x in sorted(set(ours) - set(theirs))]
            problems.append(f"seed {seed}: only buf {only_buf}; only pagemesh {only_ours}")
    return compared, problems


def main(argv: list[str]) -> int:
    import tempfile  # noqa: PLC0415  # only the command line needs a scratch directory

    start, stop = (int(argv[0]), int(argv[1])) if len(argv) == 2 else (0, 200)
    with tempfile.TemporaryDirectory(prefix="pagemesh-differential-") as tmp:
        compared, problems = disagreements(Path(tmp), range(start, stop))
    print("\n".join(problems))
    print(f"{compared} pairs compared, {len(problems)} disagreements")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
