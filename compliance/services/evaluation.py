"""Honest evaluation of the fraud model against today's rules on the simulator (docs/risk.md):
train on months 1-5, report on the held-out month 6. Used by `manage.py risk_evaluate` and
`make bench BENCH=risk`. CPU only; touches no database."""

import time
from typing import Any

import numpy as np

from compliance import simulator
from compliance.fraud_model import evaluation, feature_row, fit, score_rows
from compliance.risk import baseline_rules

LATENCY_SAMPLES = 5_000


def risk_evaluate(
    *, payments: int = simulator.PAYMENTS, seed: int = simulator.SEED
) -> dict[str, Any]:
    """Simulate `payments`, fit on the training months, and return the bench figures:
    risk_model_pr_auc, risk_rules_pr_auc, risk_model_recall_at_1pct_fpr,
    risk_rules_recall_at_1pct_fpr, risk_score_p95_ms (feature row + score + top features for
    one payment, wall time, over up to LATENCY_SAMPLES held-out payments; risk_score_cpu_p95_ms
    the same in thread CPU time, free of the machine's scheduling), plus counts."""
    data = simulator.simulate(payments=payments, seed=seed)
    x = np.array([feature_row(attributes) for attributes in data.attributes])
    train = data.months < simulator.HELD_OUT_MONTH
    test = ~train
    started = time.monotonic()
    model = fit(x[train], data.labels[train], seed=seed)
    training_seconds = time.monotonic() - started
    held_out = [a for a, keep in zip(data.attributes, test, strict=True) if keep]
    rules = np.array([baseline_rules(a, a["provider_signal"])[0] for a in held_out])
    model_metrics = evaluation(data.labels[test], model.probabilities(x[test]))
    rules_metrics = evaluation(data.labels[test], rules)
    timings, cpu = [], []
    for attributes in held_out[:LATENCY_SAMPLES]:
        begin, begin_cpu = time.perf_counter(), time.thread_time()
        score_rows(model, feature_row(attributes))
        cpu.append(time.thread_time() - begin_cpu)
        timings.append(time.perf_counter() - begin)
    return {
        "risk_model_pr_auc": model_metrics["pr_auc"],
        "risk_rules_pr_auc": rules_metrics["pr_auc"],
        "risk_model_recall_at_1pct_fpr": model_metrics["recall_at_1pct_fpr"],
        "risk_rules_recall_at_1pct_fpr": rules_metrics["recall_at_1pct_fpr"],
        "risk_score_p95_ms": round(float(np.percentile(timings, 95)) * 1000, 3),
        "risk_score_p50_ms": round(float(np.percentile(timings, 50)) * 1000, 3),
        "risk_score_cpu_p95_ms": round(float(np.percentile(cpu, 95)) * 1000, 3),
        "risk_sim_payments": payments,
        "risk_sim_train_fraud": int(data.labels[train].sum()),
        "risk_sim_heldout_payments": int(test.sum()),
        "risk_sim_heldout_fraud": int(data.labels[test].sum()),
        "risk_training_seconds": round(training_seconds, 2),
    }
