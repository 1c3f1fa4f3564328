"""BENCH_PROFILE=1 (ops/bench/profile.py): process groups, py-spy raw stacks read per process,
CPU per group between snapshots, and nothing at all without the option."""

import json

import pytest

from ops.bench import profile
from ops.bench.profile import aggregate, cpu_by_group, process_group, read_stacks


@pytest.mark.parametrize(
    ("argv", "group"),
    [
        (["/venv/bin/python", "-m", "gunicorn", "-c", "ops/gunicorn.conf.py"], "gunicorn"),
        (["/venv/bin/python", "manage.py", "events_relay"], "manage.py events_relay"),
        (["python3", "-m", "ops.bench.webhooks", "receive", "8123"], "ops.bench.webhooks receive"),
        (["/venv/bin/celery", "-A", "mcp_payments", "worker"], "celery"),
        (["python", "-c", "import x\nprint(x)"], "python -c"),
        (["postgres: postgres mcp_bench_ledger 127.0.0.1(5000) idle"], "postgres"),
        (["gunicorn: worker [mcp_payments.wsgi]"], "gunicorn: worker"),
        ([], "?"),
    ],
)
def test_a_command_line_is_named_by_its_program_and_subcommand(argv, group):
    assert process_group(argv) == group


RAW = (
    'process 10:"/venv/bin/python -m ops.bench ledger";main (ops/bench/__main__.py:12) 3\n'
    'process 10:"/venv/bin/python -m ops.bench ledger";process 11:"/venv/bin/python -m gunicorn'
    ' -c ops/gunicorn.conf.py";handle (gunicorn/workers/sync.py:10);execute'
    " (django/db/backends/utils.py:100);execute (psycopg/cursor.py:7) 5\n"
    'process 10:"/venv/bin/python -m ops.bench ledger";process 11:"/venv/bin/python -m gunicorn'
    ' -c ops/gunicorn.conf.py";handle (gunicorn/workers/sync.py:12);dumps (json/encoder.py:3) 2\n'
    'process 10:"/venv/bin/python -m ops.bench ledger";process 12:"/venv/bin/python -c import a\n'
    'a.run()";<module> (<string>:2) 4\n'
)


def test_stacks_are_read_per_innermost_process_with_multiline_command_lines_joined():
    stacks = list(read_stacks(RAW.splitlines(keepends=True)))

    assert [(group, count) for group, _, count in stacks] == [
        ("ops.bench ledger", 3),
        ("gunicorn", 5),
        ("gunicorn", 2),
        ("python -c", 4),
    ]
    assert stacks[1][1][0] == "handle (gunicorn/workers/sync.py:10)"


def test_aggregate_counts_inclusive_once_per_stack_and_self_by_leaf_and_package():
    groups = aggregate(read_stacks(RAW.splitlines(keepends=True)))

    server = groups["gunicorn"]
    assert server.samples == 7
    # Two lines of one function add up once line numbers are dropped.
    assert server.inclusive["handle (gunicorn/workers/sync.py)"] == 7
    assert server.self_time == {"execute (psycopg/cursor.py)": 5, "dumps (json/encoder.py)": 2}
    assert server.packages == {"psycopg": 5, "json": 2}


def test_cpu_by_group_adds_new_processes_whole_and_differences_of_known_ones(monkeypatch):
    monkeypatch.setattr(profile, "_TICK", 100)
    before = {11: ("gunicorn", 1_000), 12: ("gunicorn", 500), 20: ("postgres", 300)}
    after = {
        11: ("gunicorn", 1_250),
        12: ("gunicorn", 550),
        20: ("postgres", 400),
        21: ("postgres", 50),  # a backend that connected during the window
    }

    assert cpu_by_group(before, after) == {"gunicorn": 3.0, "postgres": 1.5}


def test_without_bench_profile_nothing_is_recorded(monkeypatch, tmp_path):
    monkeypatch.delenv("BENCH_PROFILE", raising=False)
    monkeypatch.setattr(profile, "PROFILE_DIR", tmp_path)

    with profile.profiling("ledger", "db") as window:
        window.units = 10

    assert list(tmp_path.iterdir()) == []


def test_a_profiled_window_writes_cpu_per_unit(monkeypatch, tmp_path):
    monkeypatch.setenv("BENCH_PROFILE", "1")
    monkeypatch.setattr(profile, "PROFILE_DIR", tmp_path)
    monkeypatch.setattr(profile, "_py_spy", lambda: None)  # CPU only, no profiler in a unit test

    with profile.profiling("window", "no_such_database") as window:
        window.units = 4

    record = json.loads((tmp_path / "window.json").read_text())
    assert record["label"] == "window"
    assert record["units"] == 4
    assert set(record["cpu_ms_per_unit"]) == set(record["cpu_s"])
    assert "reaped children" in record["cpu_s"]


@pytest.mark.parametrize(
    ("value", "on", "mode"), [("1", True, "gil"), ("active", True, "active"), ("0", False, "gil")]
)
def test_bench_profile_one_samples_the_gil_holder_and_active_every_busy_thread(
    monkeypatch, value, on, mode
):
    monkeypatch.setenv("BENCH_PROFILE", value)

    assert (profile.enabled(), profile.sampling()) == (on, mode)
