"""Training the fraud model (Celery job on the `compliance` queue): on the platform's labeled
outcomes, or on the transaction simulator. Each run stores a new version with its metrics."""

from datetime import timedelta
from typing import Any

import numpy as np
from django.utils import timezone

from compliance import simulator
from compliance.fraud_model import (
    DEFAULT_PARAMS,
    FEATURES,
    evaluation,
    feature_row,
    fit,
    risk_model_store,
)
from compliance.models import ReviewStatus, RiskModel, RiskReview
from compliance.rules.attributes import compute_attributes, risk_subject_for
from payments.models import Payment
from payments.risk_history import fraud_labels

TRAINING_DAYS = 180
MIN_POSITIVES = 20
CHUNK = 2_000


class NotEnoughLabels(Exception):
    """Too few labeled fraud cases to train a useful model."""


def platform_dataset(*, days: int = TRAINING_DAYS) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and labels of every scored payment attempt of the last `days` days (all
    merchants), attributes recomputed as of each payment; label 1 = disputed or refunded as
    fraudulent, canceled as fraudulent, or its risk review rejected. Oldest first. Read only."""
    since = timezone.now() - timedelta(days=days)
    payments = list(
        Payment.objects.filter(created__gte=since, payment_method__isnull=False)
        .exclude(risk__isnull=True)
        .select_related("payment_method", "customer")
        .order_by("created", "id")
    )
    rows: list[list[float]] = []
    labels: list[int] = []
    for start in range(0, len(payments), CHUNK):
        chunk = payments[start : start + CHUNK]
        ids = [payment.id for payment in chunk]
        fraud = fraud_labels(payment_ids=ids) | set(
            RiskReview.objects.filter(object_id__in=ids, status=ReviewStatus.REJECTED).values_list(
                "object_id", flat=True
            )
        )
        attributes = compute_attributes([risk_subject_for(payment) for payment in chunk])
        for payment in chunk:
            rows.append(feature_row(attributes[payment.id]))
            labels.append(int(payment.id in fraud))
    return np.array(rows, dtype=float).reshape(-1, len(FEATURES)), np.array(labels, dtype=int)


def simulator_dataset(*, payments: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and labels drawn by the simulator (time order)."""
    data = simulator.simulate(payments=payments, seed=seed)
    return np.array([feature_row(a) for a in data.attributes]), data.labels


def risk_model_train(
    *, source: str = "platform", payments: int = 10_000, seed: int = simulator.SEED
) -> RiskModel:
    """Train on `source` ("platform": labeled outcomes in PostgreSQL; "simulator": `payments`
    simulated attempts), hold out the newest 20 % for metrics (PR-AUC, recall at 1 % FPR), refit
    on everything and store the next active version. NotEnoughLabels when the data has fewer
    than MIN_POSITIVES fraud cases (or none genuine)."""
    if source == "simulator":
        x, y = simulator_dataset(payments=payments, seed=seed)
    else:
        x, y = platform_dataset()
    positives = int(y.sum())
    if positives < MIN_POSITIVES or positives == len(y):
        raise NotEnoughLabels(
            f"{positives} fraud cases among {len(y)} payments; at least {MIN_POSITIVES} needed."
        )
    split = int(len(y) * 0.8)
    holdout_metrics: dict[str, Any] = {}
    if 0 < y[split:].sum() < len(y) - split:
        held = fit(x[:split], y[:split], seed=seed)
        holdout_metrics = evaluation(y[split:], held.probabilities(x[split:]))
    model = fit(x, y, seed=seed)
    metrics = {
        **holdout_metrics,
        "training_payments": len(y),
        "training_fraud": positives,
        "holdout_payments": len(y) - split,
    }
    params = {
        **DEFAULT_PARAMS,
        "seed": seed,
        "payments": payments if source == "simulator" else None,
    }
    return risk_model_store(model=model, metrics=metrics, source=source, params=params)
