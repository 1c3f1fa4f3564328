"""Billing reads the time only through `billing_now` (payments/billing/clock.py)."""

import re
from pathlib import Path

import payments.billing

FORBIDDEN = re.compile(
    r"timezone\.now\(|datetime\.now\(|datetime\.utcnow\(|time\.time\(|date\.today\("
)


def test_no_billing_module_but_clock_py_reads_the_clock():
    root = Path(payments.billing.__file__).parent
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        if path.name != "clock.py" and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert offenders == []
