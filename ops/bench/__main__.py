"""`python -m ops.bench [name ...]`: run every registered benchmark (or the named ones) and
write var/bench/latest.json plus a timestamped copy (BENCH.md).

Baselines run in every invocation. Names may also be given comma-separated (`BENCH=a,b`).
A benchmark that cannot run says why on stderr and leaves its figures out.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import pkgutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from . import __name__ as package_name
from . import __path__ as package_path
from .context import BenchContext
from .registry import BENCHMARKS, Benchmark, BenchmarkSkipped, Figures

# Helpers, not benchmarks: `seed` runs in its own process against the scratch database.
_NOT_BENCHMARKS = {"__main__", "context", "registry", "http", "seed", "analytics_seed", "profile"}


def load_benchmarks() -> dict[str, Benchmark]:
    """Import every module of the package; one that fails to import is reported and left out."""
    for module in pkgutil.iter_modules(package_path):
        if module.name in _NOT_BENCHMARKS:
            continue
        try:
            importlib.import_module(f"{package_name}.{module.name}")
        except Exception as exc:  # a broken benchmark must not stop the others
            print(f"bench: cannot load ops.bench.{module.name}: {exc!r}", file=sys.stderr)
    return BENCHMARKS


def select(requested: list[str], available: dict[str, Benchmark]) -> list[Benchmark]:
    names = [name.strip() for arg in requested for name in arg.split(",") if name.strip()]
    unknown = [name for name in names if name not in available]
    if unknown:
        raise SystemExit(
            f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(sorted(available))}"
        )
    chosen = [
        bench for bench in available.values() if bench.baseline or not names or bench.name in names
    ]
    # Baselines first, then in registration order.
    return sorted(chosen, key=lambda bench: not bench.baseline)


def _memory_mb() -> int | None:
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def machine_info(ctx: BenchContext) -> dict[str, object]:
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info: dict[str, object] = {"nproc": nproc, "memory_mb": _memory_mb()}
    try:
        with psycopg.connect(ctx.database.conninfo(), connect_timeout=5) as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
            info["postgresql_version_num"] = int(
                conn.execute("SHOW server_version_num").fetchone()[0]
            )
    except psycopg.Error as exc:
        print(f"bench: cannot read the PostgreSQL version: {exc}", file=sys.stderr)
    return info


def _valid(figures: Figures) -> Figures:
    """Numbers only: drop anything that is not a finite int or float."""
    clean: Figures = {}
    for name, value in figures.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            print(f"bench: dropping non-numeric figure {name}={value!r}", file=sys.stderr)
        elif isinstance(value, float) and not math.isfinite(value):
            print(f"bench: dropping non-finite figure {name}={value!r}", file=sys.stderr)
        else:
            clean[name] = value
    return clean


def main(argv: list[str]) -> int:
    ctx = BenchContext.from_env()
    chosen = select(argv, load_benchmarks())
    started = datetime.now(UTC)
    report: dict[str, object] = {
        "started": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": machine_info(ctx),
    }
    skipped: list[tuple[str, str]] = []
    for bench in chosen:
        print(f"bench: {bench.name} ...", file=sys.stderr, flush=True)
        began = time.monotonic()
        try:
            figures = _valid(bench.function(ctx))
        except BenchmarkSkipped as exc:
            skipped.append((bench.name, str(exc)))
            print(f"bench: {bench.name} skipped: {exc}", file=sys.stderr)
            continue
        for name, value in figures.items():
            print(f"  {name} = {value}", file=sys.stderr)
        print(f"bench: {bench.name} done in {time.monotonic() - began:.0f} s", file=sys.stderr)
        report.update(figures)

    ctx.out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, sort_keys=False) + "\n"
    stamped = ctx.out_dir / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    stamped.write_text(text)
    latest = ctx.out_dir / "latest.json"
    latest.write_text(text)
    print(text, end="")
    print(f"bench: wrote {_relative(latest)} and {_relative(stamped)}", file=sys.stderr)
    return report_skipped(skipped)


def report_skipped(skipped: list[tuple[str, str]]) -> int:
    """Print the skipped benchmarks last, where they cannot be missed among the output, and give
    the exit status: every benchmark is meant to run on this kind of machine, so one skipped is a
    failure of `make bench` (1), never a silent gap in latest.json (BENCH.md)."""
    if not skipped:
        print("bench: nothing skipped", file=sys.stderr)
        return 0
    print(f"bench: {len(skipped)} skipped:", file=sys.stderr)
    for name, reason in skipped:
        print(f"  {name}: {reason}", file=sys.stderr)
    return 1


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
