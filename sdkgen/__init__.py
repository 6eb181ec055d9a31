"""sdkgen: the Go SDK's committed code, and the API reference, generated from proto/.

`pagemesh sdk` is the command (sdkgen.cli): buf with protoc-gen-go and protoc-gen-go-grpc into
`sdk/go/pagemesh/`, plus the typed client's `sdk/go/apis.gen.go`. `python -m sdkgen.reference` writes
docs/reference/ from the proto doc comments. The other SDKs generate their code in their own package
builds (sdk/python/codegen.py, sdk/typescript's and sdk/java's generate steps).
"""

from __future__ import annotations

from sdkgen._errors import SdkError
from sdkgen._generate import check, generate, write
from sdkgen._golang import render_go_apis

__all__ = ["SdkError", "check", "generate", "render_go_apis", "write"]
