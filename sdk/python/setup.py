"""The build hook of pagemesh-client: generates the modules from proto/ before setuptools looks for them.

setuptools finds the packages when this file runs, so the generation runs here, first, for every build
(a wheel, an sdist, `pip install ./sdk/python`, an editable install): `codegen.py` writes into `src/`,
which git ignores. An sdist carries the generated modules, so a wheel built from it needs no proto/.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from setuptools import setup

_spec = importlib.util.spec_from_file_location(
    "pagemesh_client_codegen", Path(__file__).resolve().with_name("codegen.py")
)
assert _spec is not None
assert _spec.loader is not None
codegen: Any = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = codegen  # dataclasses look their module up while the class is made
_spec.loader.exec_module(codegen)

if codegen.PROTO_ROOT.is_dir():
    codegen.generate()
elif not codegen.is_generated():
    sys.exit(f"pagemesh-client: {codegen.PROTO_ROOT} does not exist: build it from a pagemesh checkout")

setup()
