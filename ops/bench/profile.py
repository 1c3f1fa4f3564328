"""`BENCH_PROFILE=1`: what a benchmark's measured window costs, and where the time goes.

Around a measured window, `profiling(label, database)` records:

- `var/bench/profiles/<label>.raw`: py-spy collapsed stacks (`--format raw`, 200 Hz; by default
  `--gil`, the thread holding the GIL: see `sampling()`) of the benchmark process and every
  process it started (servers, workers, relays, load generators); each stack's root frame is
  `process <pid>:"<command line>"`;
- `var/bench/profiles/<label>.json`: wall seconds, the unit count the benchmark sets
  (`window.units`: requests, transfers, deliveries ...) and CPU seconds per process group over
  the window, read from /proc: the benchmark's descendants by command, children reaped during the
  window, and the PostgreSQL backends connected to the scratch database (their process title
  names it). CPU per unit is what a busy 2-core machine leaves comparable between runs.

Without `BENCH_PROFILE=1` (or `=active`) it does nothing, so the benchmarks stay as they are.
`python -m ops.bench.profile var/bench/profiles/<label>` prints the window's cost per unit and,
per process group, inclusive and self tables of the profile (markdown).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .context import REPO_ROOT

PROFILE_DIR = REPO_ROOT / "var" / "bench" / "profiles"
RATE_HZ = 200
_TICK = os.sysconf("SC_CLK_TCK")
_PROCESS_FRAME = re.compile(r'^process (\d+):"(.*)"$', re.DOTALL)
_COUNT = re.compile(r" (\d+)$")


def enabled() -> bool:
    return os.environ.get("BENCH_PROFILE") in {"1", "active"}


def sampling() -> str:
    """`gil` (BENCH_PROFILE=1): only the thread holding the GIL is sampled, which is where a
    process spends its CPU. `active` (BENCH_PROFILE=active): every thread py-spy does not see
    idle, which on a loaded machine also counts the time a thread waits for a core after its
    I/O returned (it shows up in the frame that woke, e.g. psycopg's `Connection.wait`)."""
    return "active" if os.environ.get("BENCH_PROFILE") == "active" else "gil"


def process_group(argv: list[str]) -> str:
    """A short, stable name for a command line: `gunicorn`, `manage.py events_relay`,
    `ops.bench.webhooks receive`, `postgres` (a backend's process title) ..."""
    if not argv or not argv[0]:
        return "?"
    if argv[0].startswith("postgres:"):
        return "postgres"
    if len(argv) == 1:  # a process title set in one piece (setproctitle)
        argv = argv[0].split(" ")
    words = [Path(argv[0]).name, *argv[1:]]
    if words[0].startswith("python"):
        words = words[1:]
    if words[:1] == ["-c"]:
        return "python -c"
    if words[:1] == ["-m"]:
        words = words[1:]
    head = [Path(word).name for word in words[:2] if not word.startswith("-")]
    return " ".join(head) or "?"


def _read_cmdline(pid: int) -> list[str]:
    raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    return [part.decode(errors="replace") for part in raw.rstrip(b"\0").split(b"\0")]


def _stat(pid: int) -> tuple[int, int]:
    """(parent pid, user + system clock ticks) of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _processes() -> tuple[dict[int, int], dict[int, int]]:
    """(pid -> parent pid, pid -> CPU ticks so far) of every process the machine runs now."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                parents[int(entry.name)], ticks[int(entry.name)] = _stat(int(entry.name))
    return parents, ticks


def _descendants(root: int, parents: dict[int, int]) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for pid, parent in parents.items():
        children[parent].append(pid)
    found: list[int] = []
    todo = list(children[root])
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children[pid])
    return found


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds so far of `root` and its live descendants: a server with its
    workers (uvicorn, gunicorn) or a Celery worker with its prefork pool."""
    parents, ticks = _processes()
    pids = [root, *_descendants(root, parents)]
    return sum(ticks.get(pid, 0) for pid in pids) / _TICK


def cpu_snapshot(root: int, database: str) -> dict[int, tuple[str, int]]:
    """pid -> (group, CPU ticks so far) for `root`'s descendants (not `root` itself: the
    benchmark's own CPU comes from os.times()) and the PostgreSQL backends of `database`."""
    parents, ticks = _processes()
    needle = f" {database} "
    backends = set()
    for pid in ticks:
        with contextlib.suppress(OSError):
            if needle in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                backends.add(pid)
    snapshot: dict[int, tuple[str, int]] = {}
    for pid in _descendants(root, parents):
        with contextlib.suppress(OSError):
            snapshot[pid] = (process_group(_read_cmdline(pid)), ticks[pid])
    for pid in backends - snapshot.keys():
        with contextlib.suppress(OSError):
            if process_group(_read_cmdline(pid)) == "postgres":
                snapshot[pid] = ("postgres", ticks[pid])
    return snapshot


def cpu_by_group(
    before: dict[int, tuple[str, int]], after: dict[int, tuple[str, int]]
) -> dict[str, float]:
    """CPU seconds per group between two snapshots. A process that appeared counts whole; one
    that exited is missed here (its CPU shows in `reaped children` when the benchmark waited)."""
    seconds: Counter[str] = Counter()
    for pid, (group, ticks) in after.items():
        previous = before.get(pid)
        start = previous[1] if previous and previous[0] == group else 0
        seconds[group] += (ticks - start) / _TICK
    return {group: round(value, 3) for group, value in seconds.most_common()}


@dataclass
class Window:
    """One profiled window; set `units` (the work done in it) before it ends."""

    label: str
    units: float | None = None
    record: dict = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return PROFILE_DIR / self.label

    def save(self) -> None:
        """Write `<label>.json` (again, when `units` is set after the window closed)."""
        if not self.record:
            return
        self.record["units"] = self.units
        if self.units:
            self.record["cpu_ms_per_unit"] = {
                group: round(seconds * 1000 / self.units, 3)
                for group, seconds in self.record["cpu_s"].items()
            }
        self.path.with_suffix(".json").write_text(json.dumps(self.record, indent=2) + "\n")


def _py_spy() -> str | None:
    found = shutil.which("py-spy")
    if found:
        return found
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else None


@contextlib.contextmanager
def profiling(label: str, database: str) -> Iterator[Window]:
    """Profile the benchmark's process tree and `database`'s backends while the block runs
    (only with BENCH_PROFILE=1); yields the Window whose `units` the block sets."""
    window = Window(label)
    if not enabled():
        yield window
        return
    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    binary = _py_spy()
    recorder = None
    if binary is None:
        print("bench: BENCH_PROFILE=1 but py-spy is not installed: CPU only", file=sys.stderr)
    else:
        options = ["--subprocesses", "--nonblocking", "--format", "raw", "--rate", str(RATE_HZ)]
        if sampling() == "gil":
            options.append("--gil")
        recorder = subprocess.Popen(  # noqa: S603 - fixed arguments
            [binary, "record", "--pid", str(os.getpid()), *options, "-o", f"{window.path}.raw"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    root = os.getpid()
    before, reaped, began = cpu_snapshot(root, database), os.times(), time.monotonic()
    try:
        yield window
    finally:
        after, reaped_after = cpu_snapshot(root, database), os.times()
        wall = time.monotonic() - began
        cpu = cpu_by_group(before, after)
        cpu[process_group(_read_cmdline(root))] = round(
            (reaped_after.user - reaped.user) + (reaped_after.system - reaped.system), 3
        )
        cpu["reaped children"] = round(
            (reaped_after.children_user - reaped.children_user)
            + (reaped_after.children_system - reaped.children_system),
            3,
        )
        cpu.pop("py-spy record", None)  # the profiler, not the work
        window.record = {
            "label": label,
            "sampling": sampling() if recorder is not None else None,
            "wall_s": round(wall, 3),
            "cpu_s": cpu,
        }
        if recorder is not None:
            recorder.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
            try:
                recorder.wait(timeout=60)
            except subprocess.TimeoutExpired:
                recorder.kill()
                recorder.wait()
        window.save()


# --- Reading a profile ----------------------------------------------------------------------------


def read_stacks(lines: Iterable[str]) -> Iterator[tuple[str, list[str], int]]:
    """(process group, frames root first without `process` frames, samples) per stack of a
    py-spy raw file. A command line with newlines (`python -c`) spreads one stack over several
    lines: they are joined."""
    pending = ""
    for line in lines:
        pending += line.rstrip("\n")
        match = _COUNT.search(pending)
        if match is None:
            pending += "\n"
            continue
        stack, count = pending[: match.start()], int(match.group(1))
        pending = ""
        # With --subprocesses a child's stack sits under its ancestors' `process` frames: the
        # innermost one is the process sampled.
        frames, group = stack.split(";"), "?"
        while frames and (process := _PROCESS_FRAME.match(frames[0])):
            group, frames = process_group(process.group(2).split(" ")), frames[1:]
        yield group, frames, count


def _short(frame: str) -> str:
    """`function (path/file.py:123)` -> `function (path/file.py)`: lines of one function add up."""
    return re.sub(r":\d+\)$", ")", frame)


def package_of(frame: str) -> str:
    """The package a frame's file belongs to (`django`, `psycopg`, `mcp_payments`, stdlib ...)."""
    match = re.search(r"\(([^)]*?)(?::\d+)?\)$", frame)
    path = match.group(1) if match else ""
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    elif "/python3" in path:
        return "stdlib"
    if path.startswith(str(REPO_ROOT) + "/"):
        path = path[len(str(REPO_ROOT)) + 1 :]
    first = path.split("/", 1)[0]
    if "/" not in path:
        return "stdlib" if first.endswith(".py") or first.startswith("<") else first or "?"
    return first


@dataclass
class GroupProfile:
    samples: int = 0
    inclusive: Counter[str] = field(default_factory=Counter)
    self_time: Counter[str] = field(default_factory=Counter)
    packages: Counter[str] = field(default_factory=Counter)


def aggregate(stacks: Iterable[tuple[str, list[str], int]]) -> dict[str, GroupProfile]:
    """Per process group: samples, inclusive samples per function (once per stack), self
    samples per leaf function, self samples per package of the leaf."""
    groups: dict[str, GroupProfile] = defaultdict(GroupProfile)
    for group, frames, count in stacks:
        profile = groups[group]
        profile.samples += count
        for frame in {_short(frame) for frame in frames}:
            profile.inclusive[frame] += count
        if frames:
            profile.self_time[_short(frames[-1])] += count
            profile.packages[package_of(frames[-1])] += count
    return dict(groups)


def _table(title: str, counts: Counter[str], total: int, top: int, ms: float | None) -> list[str]:
    header = f"| {title} | % |" + (" ms/unit |" if ms is not None else "")
    rule = "|---|---:|" + ("---:|" if ms is not None else "")
    rows = [header, rule]
    for name, count in counts.most_common(top):
        share = count / total
        cell = f" {share * ms:.2f} |" if ms is not None else ""
        rows.append(f"| `{name}` | {share * 100:.1f} |{cell}")
    return rows


def report(base: Path, top: int = 12, min_share: float = 0.02) -> str:
    """Markdown: the window's CPU per unit, then per process group with at least `min_share` of
    the samples, inclusive (frames under 90 %: the entry points say nothing), self and
    by-package tables."""
    record = json.loads(base.with_suffix(".json").read_text())
    per_unit = record.get("cpu_ms_per_unit") or {}
    lines = [
        f"## {record['label']}: {record['units']} units in {record['wall_s']} s"
        f" (sampling: {record.get('sampling') or 'active'})",
        "",
        "| process | CPU s | ms/unit |",
        "|---|---:|---:|",
    ]
    for group, seconds in record["cpu_s"].items():
        lines.append(f"| {group} | {seconds} | {per_unit.get(group, '')} |")
    raw = base.with_suffix(".raw")
    if not raw.exists():
        return "\n".join(lines) + "\n"
    with raw.open() as source:
        groups = aggregate(read_stacks(source))
    total = sum(profile.samples for profile in groups.values())
    for group, profile in sorted(groups.items(), key=lambda item: -item[1].samples):
        if profile.samples < min_share * total:
            continue
        ms = per_unit.get(group)
        lines += ["", f"### {group}: {profile.samples} samples", ""]
        inclusive = Counter(
            {
                name: count
                for name, count in profile.inclusive.items()
                if count < 0.9 * profile.samples
            }
        )
        lines += _table("inclusive", inclusive, profile.samples, top, ms)
        lines.append("")
        lines += _table("self", profile.self_time, profile.samples, top, ms)
        lines.append("")
        lines += _table("self by package", profile.packages, profile.samples, top, ms)
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m ops.bench.profile var/bench/profiles/<label> ...", file=sys.stderr)
        return 2
    for name in argv:
        print(report(Path(name).with_suffix("")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
