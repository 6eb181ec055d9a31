"""sdkgen: the client SDKs of pagemesh, generated from proto/ with buf, one package per language.

`pagemesh sdk` is the command (sdkgen.cli); `python -m sdkgen.reference` writes docs/reference/ from the
proto doc comments; `sdkgen.grpc_python_plugin` is the protoc plugin buf runs for Python gRPC stubs.
"""

from __future__ import annotations

from sdkgen._errors import SdkError
from sdkgen._generate import check, generate, parse_languages, write
from sdkgen._languages import LANGUAGES, Language

__all__ = ["LANGUAGES", "Language", "SdkError", "check", "generate", "parse_languages", "write"]
