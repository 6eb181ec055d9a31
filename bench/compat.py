"""Times `pagemesh compat` against `buf breaking` on the same large synthetic module pair.

Builds a module of 500 files and 5,000 messages (with enums, services and a few proto2 files) and a copy
with a handful of breaking changes, then runs each whole command 5 times, alternating, and prints the median
wall and CPU times. Both tools must report the same findings for the figures to count.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUF = REPO / ".tools" / "bin" / "buf"
PAGEMESH = REPO / ".venv" / "bin" / "pagemesh"
FILES = 500
MESSAGES_PER_FILE = 10
RUNS = 5
CONFIG = "version: v2\nbreaking:\n  use: [FILE, PACKAGE]\n"


def _file(index: int, changed: bool) -> str:
    package = f"bench.area{index % 25}.v1"
    lines = ['syntax = "proto3";', "", f"package {package};", ""]
    if index % 50 == 7:
        lines = ['syntax = "proto2";', "", f"package {package};", ""]
    proto2 = lines[0].endswith('"proto2";')
    label = "optional " if proto2 else ""
    for m in range(MESSAGES_PER_FILE):
        name = f"M{index}x{m}"
        lines.append(f"message {name} {{")
        lines.append(f"  {label}string name = 1;")
        count_type = "int64" if changed and index % 100 == 3 and m == 0 else "int32"
        lines.append(f"  {label}{count_type} count = 2;")
        if not (changed and index % 100 == 5 and m == 1):
            lines.append(f"  {label}double price = 3;")
        lines.append("  repeated string tags = 4;")
        lines.append(f"  {label}Kind{index} kind = 5;")
        lines.append(f"  message Inner {{\n    {label}int64 id = 1;\n  }}")
        lines.append(f"  {label}Inner inner = 6;")
        lines.append("}")
    lines.append(f"enum Kind{index} {{\n  KIND{index}_UNSPECIFIED = 0;\n  KIND{index}_A = 1;")
    if not (changed and index % 125 == 9):
        lines.append(f"  KIND{index}_B = 2;")
    lines.append("}")
    if index % 5 == 0:
        request = f"M{index}x0"
        response = f"M{index}x2" if changed and index % 250 == 10 else f"M{index}x1"
        lines.append(f"service S{index} {{\n  rpc Get({request}) returns ({response});\n}}")
    return "\n".join(lines) + "\n"


def _write_module(root: Path, changed: bool) -> None:
    root.mkdir(parents=True)
    (root / "buf.yaml").write_text(CONFIG, encoding="utf-8")
    for index in range(FILES):
        path = root / f"area{index % 25}" / f"file{index}.proto"
        path.parent.mkdir(exist_ok=True)
        path.write_text(_file(index, changed), encoding="utf-8")


def _run(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the process and its children, stdout) of one whole-process run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 100):
        sys.exit(f"{command[0]} failed: {result.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result.stdout


def _time_both(commands: dict[str, list[str]], cwd: Path) -> dict[str, tuple[float, float, str]]:
    """Median wall and CPU time per command; runs alternate so both see the same machine load."""
    samples: dict[str, list[tuple[float, float, str]]] = {name: [] for name in commands}
    for _ in range(RUNS):
        for name, command in commands.items():
            samples[name].append(_run(command, cwd))
    return {
        name: (
            statistics.median(s[0] for s in runs),
            statistics.median(s[1] for s in runs),
            runs[-1][2],
        )
        for name, runs in samples.items()
    }


def _findings(output: str) -> list[tuple[str, int, str]]:
    records = [json.loads(line) for line in output.splitlines() if line.strip()]
    return sorted((r.get("path", ""), r["start_line"], r["type"]) for r in records)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="pagemesh-bench-compat-") as tmp:
        root = Path(tmp)
        _write_module(root / "previous", changed=False)
        _write_module(root / "current", changed=True)
        messages = FILES * MESSAGES_PER_FILE
        print(f"module: {FILES} files, {messages} top-level messages (+{messages} nested), {FILES} enums")
        args = ["current", "--against", "previous"]
        timings = _time_both(
            {
                "buf breaking": [str(BUF), "breaking", *args, "--error-format", "json"],
                "pagemesh compat": [str(PAGEMESH), "compat", *args, "--format", "json"],
            },
            root,
        )
        buf_wall, buf_cpu, buf_out = timings["buf breaking"]
        ours_wall, ours_cpu, ours_out = timings["pagemesh compat"]
        same = _findings(buf_out) == _findings(ours_out)
        print(f"findings: buf {len(_findings(buf_out))}, pagemesh {len(_findings(ours_out))}, same: {same}")
        print(f"buf breaking     median of {RUNS}: wall {buf_wall:.3f} s, cpu {buf_cpu:.3f} s")
        print(f"pagemesh compat  median of {RUNS}: wall {ours_wall:.3f} s, cpu {ours_cpu:.3f} s")
        print(f"pagemesh / buf wall time: {ours_wall / buf_wall:.2f}")
        start = time.perf_counter()
        subprocess.run([str(PAGEMESH), "compat", "--gate"], cwd=REPO, capture_output=True, check=False)
        print(f"project contracts (make compat's check): {time.perf_counter() - start:.3f} s")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
