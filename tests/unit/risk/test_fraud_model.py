"""The fraud model: trains on the simulator's data within the test budget (≤ 10,000 payments,
≤ 20 s), is deterministic for a seed, the compiled forest scores exactly as scikit-learn, and
each scored payment records the model version, score and top features."""

import time

import numpy as np
import pytest

from compliance import simulator
from compliance.fraud_model import FEATURES, active_model, feature_row, fit
from compliance.models import RiskModel
from compliance.tasks import train_risk_model

pytestmark = pytest.mark.django_db

SAMPLE = 8_000


@pytest.fixture(scope="module")
def data():
    return simulator.simulate(payments=SAMPLE, seed=5)


def test_simulator_is_deterministic_and_follows_its_parameters(data):
    again = simulator.simulate(payments=SAMPLE, seed=5)
    assert again.attributes == data.attributes
    assert (again.labels == data.labels).all()
    assert data.labels.sum() == 39  # each payment is fraud with p = 0.5 % (40 expected)
    assert set(data.months) == {1, 2, 3, 4, 5, 6}
    fraud_patterns = {p for p, label in zip(data.patterns, data.labels, strict=True) if label}
    assert fraud_patterns <= set(simulator.PATTERN_MIX)
    assert {p for p, label in zip(data.patterns, data.labels, strict=True) if not label} == {
        "genuine"
    }


def test_training_is_fast_deterministic_and_compiled_scoring_matches_sklearn(data):
    x = np.array([feature_row(attributes) for attributes in data.attributes])
    started = time.monotonic()
    first = fit(x, data.labels, seed=3)
    elapsed = time.monotonic() - started
    second = fit(x, data.labels, seed=3)
    assert elapsed < 20
    assert np.array_equal(first.probabilities(x), second.probabilities(x))
    sklearn = first.estimator.predict_proba(x)[:, 1]
    assert np.abs(first.probabilities(x) - sklearn).max() < 1e-12
    assert x.shape[1] == len(FEATURES)


def test_the_celery_job_trains_versions_and_payments_record_the_score(api, pay):
    result = train_risk_model.apply(kwargs={"source": "simulator", "payments": 6_000}).get()
    assert result["trained"] is True
    assert result["version"] == 1
    model = RiskModel.objects.get(version=1)
    assert model.status == "active"
    assert model.features == list(FEATURES)
    assert model.metrics["training_payments"] == 6_000
    assert set(model.metrics) >= {"pr_auc", "recall_at_1pct_fpr", "training_fraud"}
    assert (
        train_risk_model.apply(kwargs={"source": "simulator", "payments": 6_000}).get()["version"]
        == 2
    )
    assert RiskModel.objects.get(version=1).status == "retired"
    active_model.reset()

    payment = pay("tok_visa", amount=150_000, ip_address="203.0.113.4").json()

    risk = payment["risk"]
    assert risk["model_version"] == 2
    assert 0 <= risk["score"] <= 100
    assert risk["level"] in ("normal", "elevated", "highest")
    assert all(item["feature"] in FEATURES for item in risk["top_features"])
    assert all(item["contribution"] >= 1 for item in risk["top_features"])
    active_model.reset()


def test_platform_training_refuses_without_enough_labels():
    result = train_risk_model.apply(kwargs={"source": "platform"}).get()
    assert result == {
        "trained": False,
        "reason": "0 fraud cases among 0 payments; at least 20 needed.",
    }
    assert RiskModel.objects.count() == 0


def test_starting_django_does_not_import_scikit_learn():
    """Every process (web, Celery, consumers, commands) imports the risk engine at setup;
    scikit-learn and scipy load only where a model is trained, evaluated or unpickled."""
    import os
    import subprocess
    import sys

    probe = (
        "import sys, django; django.setup(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy'}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mcp_payments.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "[]"
