"""`protoc-gen-grpc_python` for buf: grpcio-tools' gRPC Python generator as a protoc plugin.

grpcio-tools builds its `grpc_python` generator into its own protoc instead of shipping a plugin, and buf
only proxies protoc's own built-in languages. This plugin bridges the two: it reads buf's
CodeGeneratorRequest, hands the request's descriptors to grpcio-tools' protoc (`--descriptor_set_in`) and
answers with the `*_pb2_grpc.py` files it wrote. buf runs it as `python -m sdkgen.grpc_python_plugin`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2
from grpc_tools import protoc

__all__ = ["generate", "main"]


def generate(request: plugin_pb2.CodeGeneratorRequest) -> plugin_pb2.CodeGeneratorResponse:
    """Runs grpcio-tools' gRPC Python generator over the request's files."""
    response = plugin_pb2.CodeGeneratorResponse()
    with tempfile.TemporaryDirectory(prefix="pagemesh-grpc-python-") as scratch:
        descriptors = Path(scratch) / "descriptors.binpb"
        out = Path(scratch) / "out"
        out.mkdir()
        descriptors.write_bytes(descriptor_pb2.FileDescriptorSet(file=request.proto_file).SerializeToString())
        option = f"{request.parameter}:" if request.parameter else ""
        status = protoc.main(
            [
                "grpc_tools.protoc",
                f"--descriptor_set_in={descriptors}",
                f"--grpc_python_out={option}{out}",
                *request.file_to_generate,
            ]
        )
        if status != 0:
            response.error = f"grpcio-tools' protoc exited with {status}"
            return response
        for path in sorted(out.rglob("*.py")):
            response.file.add(name=str(path.relative_to(out)), content=path.read_text())
    return response


def main() -> int:
    """Reads a CodeGeneratorRequest on stdin and writes the CodeGeneratorResponse to stdout."""
    request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
    sys.stdout.buffer.write(generate(request).SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main())
