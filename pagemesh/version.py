"""The release of pagemesh, as pyproject.toml declares it (read from the installed metadata).

`pagemesh` is a namespace package shared by two distributions: `pagemesh` (this server: the runtime, the
CLI, security) and `pagemesh-client` (`sdk/python`: the modules generated from proto/ and the typed
clients), so the servers and the SDK import one copy of every generated module.
"""

from __future__ import annotations

from importlib.metadata import version

__all__ = ["__version__"]

__version__ = version("pagemesh")
