"""The four SDK languages: the buf template, the tools it needs and the package files around the code.

Each language's code comes from `buf generate` with `sdkgen/templates/buf.gen.<name>.yaml`. The files in
`sdkgen/templates/<name>/` (pyproject.toml.in, package.json, go.mod, pom.xml, README.md, ...) are copied
beside it with `@VERSION@` replaced by pagemesh's version and a `.in` suffix dropped; `finish` then adds
what depends on the generated files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sdkgen._toolchain import ROOT

__all__ = ["LANGUAGES", "TEMPLATES", "Language"]

TEMPLATES = ROOT / "sdkgen" / "templates"
PY_HEADER = "# Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.\n"
#: The same header for the languages with `//` comments (TypeScript, Go, Java).
SLASH_HEADER = "// Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.\n"


@dataclass(frozen=True)
class Language:
    """One SDK language."""

    name: str
    #: Executables `buf generate` runs for this language (besides buf), from .tools/bin or the virtualenv.
    tools: tuple[str, ...]
    #: Adds the files that depend on what buf generated into the language's folder.
    finish: Callable[[Path], None]

    @property
    def template(self) -> Path:
        """The buf.gen.yaml of this language."""
        return TEMPLATES / f"buf.gen.{self.name}.yaml"


def _finish_python(root: Path) -> None:
    """Headers on every module, `__init__.py` per area and version, `py.typed` per area.

    `pagemesh/` itself has no `__init__.py`: it is a namespace package, so the client installs beside other
    distributions that put modules under `pagemesh`.
    """
    src = root / "src"
    modules = sorted(p for p in src.rglob("*") if p.suffix in (".py", ".pyi"))
    for module in modules:
        module.write_text(PY_HEADER + module.read_text())
    for version_dir in sorted({m.parent for m in modules}):
        for package in (version_dir, version_dir.parent):
            init = package / "__init__.py"
            if not init.exists():
                init.write_text(PY_HEADER)
        (version_dir.parent / "py.typed").write_text("")


def _finish_typescript(root: Path) -> None:
    """`src/index.ts`: every proto package as a namespace, `pagemesh.page.v2` as `pageV2`."""
    gen = root / "src" / "gen"
    lines = [SLASH_HEADER, "// Every pagemesh proto package as a namespace: pagemesh.page.v2 is pageV2.\n"]
    for module in sorted(gen.rglob("*_pb.ts")):
        relative = module.relative_to(gen).with_suffix(".js").as_posix()
        _, area, version = module.relative_to(gen).parent.parts
        lines.append(f'export * as {area}{version.upper()} from "./gen/{relative}";\n')
    (root / "src" / "index.ts").write_text("".join(lines))


def _nothing(root: Path) -> None:
    """The language needs nothing beyond its templates."""


LANGUAGES: dict[str, Language] = {
    language.name: language
    for language in (
        Language("python", ("python", "protoc-gen-mypy_grpc"), _finish_python),
        Language("typescript", ("protoc-gen-es",), _finish_typescript),
        Language("go", ("protoc-gen-go", "protoc-gen-go-grpc"), _nothing),
        Language("java", ("protoc", "protoc-gen-grpc-java"), _nothing),
    )
}
