"""The benchmark registry: name -> function, filled by the `@benchmark` decorator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .context import BenchContext

Figures = dict[str, float | int]
BenchFunction = Callable[[BenchContext], Figures]


class BenchmarkSkipped(Exception):
    """The benchmark cannot run here; the message says why (printed on stderr)."""


@dataclass(frozen=True)
class Benchmark:
    name: str
    function: BenchFunction
    # A baseline runs in every invocation, so ratios against it hold on a noisy machine.
    baseline: bool = False


BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(name: str, *, baseline: bool = False) -> Callable[[BenchFunction], BenchFunction]:
    def register(function: BenchFunction) -> BenchFunction:
        if name in BENCHMARKS:
            raise ValueError(f"benchmark {name!r} is registered twice")
        BENCHMARKS[name] = Benchmark(name=name, function=function, baseline=baseline)
        return function

    return register
