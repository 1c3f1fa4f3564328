"""Benchmarks run by `make bench` (see BENCH.md for the rules and the figure names).

A benchmark is a function in a module of this package, registered by name with `@benchmark`. It
returns a dict of figures (name -> number) or raises `BenchmarkSkipped` saying why it cannot run:
a benchmark that cannot run leaves its figures out, it never writes a made-up number.

    from ops.bench.registry import BenchmarkSkipped, benchmark

    @benchmark("transfer_single")
    def transfer_single(ctx):
        ...
        return {"transfer_single_rps": 540.2, ...}

Every module in this package is imported by the runner, so a new module is a new benchmark.
"""
