"""Fraud model vs today's rules on the transaction simulator (issue 17; docs/risk.md): 200,000
simulated payments, trained on months 1-5, reported on month 6. CPU only (no server, no
database). Figures: risk_model_pr_auc, risk_rules_pr_auc, risk_model_recall_at_1pct_fpr,
risk_rules_recall_at_1pct_fpr, risk_score_p95_ms (and the simulator's counts)."""

from __future__ import annotations

import json
import os

from .context import REPO_ROOT, BenchContext
from .http import manage
from .registry import Figures, benchmark


@benchmark("risk")
def run(ctx: BenchContext) -> Figures:
    env = dict(
        os.environ, DJANGO_SETTINGS_MODULE="mcp_payments.settings.test", PYTHONPATH=str(REPO_ROOT)
    )
    figures = json.loads(manage(env, "risk_evaluate", timeout=1200).strip().splitlines()[-1])
    return {name: value for name, value in figures.items() if isinstance(value, int | float)}
