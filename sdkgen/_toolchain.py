"""Where `pagemesh sdk` finds the repository, buf and the pinned protoc plugins that `make setup` installs."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from sdkgen._errors import SdkError

__all__ = ["ROOT", "TOOLS_BIN", "require", "tool_environment"]

ROOT = Path(__file__).resolve().parent.parent
TOOLS_BIN = ROOT / ".tools" / "bin"


def tool_environment() -> dict[str, str]:
    """This process's environment with .tools/bin and this interpreter's folder first on PATH.

    The buf templates name their plugins (`protoc-gen-go`, `python -m ...`) without paths; this PATH makes
    those names resolve to the pinned tools and to the interpreter that has grpcio-tools.
    """
    env = dict(os.environ)
    path = [str(TOOLS_BIN), str(Path(sys.executable).parent), env.get("PATH", "")]
    env["PATH"] = os.pathsep.join(p for p in path if p)
    return env


def require(tools: tuple[str, ...], purpose: str) -> None:
    """Raises SdkError naming the first of `tools` that is not on the tool PATH."""
    search = tool_environment()["PATH"]
    for tool in tools:
        if shutil.which(tool, path=search) is None:
            raise SdkError(f"{purpose} needs {tool!r}, which is not installed; run `make setup`")
