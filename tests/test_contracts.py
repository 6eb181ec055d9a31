"""Contract lint beyond buf: every RPC in proto/ decides its `idempotency_level` explicitly.

The aggregator and the SDK clients retry (and the aggregator hedges) exactly the RPCs whose contract says
`NO_SIDE_EFFECTS` or `IDEMPOTENT`; a write says `IDEMPOTENCY_UNKNOWN` out loud. An RPC that says nothing
would silently be treated as a write, so the omission itself is the error.
"""

from __future__ import annotations

from pathlib import Path

from google.protobuf import descriptor_pb2

from sdkgen._reference import compile_protos

_Level = descriptor_pb2.MethodOptions.IdempotencyLevel


def undecided_rpcs(descriptors: descriptor_pb2.FileDescriptorSet) -> list[str]:
    """`/pkg.Service/Method` of every pagemesh RPC without an explicit `option idempotency_level`."""
    return [
        f"/{file.package}.{service.name}/{method.name}"
        for file in descriptors.file
        if file.package.startswith("pagemesh.")
        for service in file.service
        for method in service.method
        if not method.options.HasField("idempotency_level")
    ]


def levels(descriptors: descriptor_pb2.FileDescriptorSet) -> dict[str, str]:
    """Each pagemesh RPC's idempotency level by name."""
    return {
        f"/{file.package}.{service.name}/{method.name}": _Level.Name(method.options.idempotency_level)
        for file in descriptors.file
        if file.package.startswith("pagemesh.")
        for service in file.service
        for method in service.method
    }


def test_every_rpc_declares_its_idempotency_level() -> None:
    descriptors = compile_protos()
    assert undecided_rpcs(descriptors) == [], "add `option idempotency_level = ...;` to these RPCs"
    declared = levels(descriptors)
    assert len(declared) >= 20
    # The one write of the mesh is declared as such; every other RPC is a read.
    writes = sorted(name for name, level in declared.items() if level == "IDEMPOTENCY_UNKNOWN")
    assert writes == [
        "/pagemesh.history.v1.HistoryService/RecordView",
        "/pagemesh.history.v2.HistoryService/RecordView",
    ]
    assert declared["/pagemesh.page.v2.PageService/GetProductPage"] == "NO_SIDE_EFFECTS"


def test_an_rpc_without_a_decision_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "pagemesh" / "demo" / "v1"
    folder.mkdir(parents=True)
    (folder / "demo.proto").write_text(
        'syntax = "proto3";\npackage pagemesh.demo.v1;\n'
        "message Req {}\nmessage Res {}\n"
        "service DemoService {\n"
        "  rpc Decided(Req) returns (Res) {\n    option idempotency_level = IDEMPOTENT;\n  }\n"
        "  rpc Forgotten(Req) returns (Res);\n"
        "}\n"
    )
    assert undecided_rpcs(compile_protos(tmp_path)) == ["/pagemesh.demo.v1.DemoService/Forgotten"]
