"""`make bench` ends with the skipped benchmarks and fails when one was skipped (BENCH.md)."""

from ops.bench.__main__ import report_skipped


def test_a_skipped_benchmark_is_listed_last_and_fails_the_run(capsys):
    status = report_skipped([("payments", "wrk is not installed (apt-get install wrk)")])

    assert status == 1
    assert capsys.readouterr().err == (
        "bench: 1 skipped:\n  payments: wrk is not installed (apt-get install wrk)\n"
    )


def test_a_run_with_nothing_skipped_succeeds(capsys):
    assert report_skipped([]) == 0
    assert capsys.readouterr().err == "bench: nothing skipped\n"
