"""The fraud model: features from the risk attributes, training (scikit-learn
HistGradientBoostingClassifier), the stored versions, and in-process scoring with the top
contributing features.

Contributions are measured by substitution: each feature in turn is set to its training median
and the drop in the score is that feature's contribution (one batched prediction of F+1 rows).
"""

import io
import math
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import joblib
import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from threadpoolctl import threadpool_limits

from .models import RiskModel, RiskModelStatus

# scikit-learn (with scipy) is imported where a model is trained, evaluated or unpickled, not at
# module load: this module is imported by the risk engine, so by django.setup() in every process
# (web, Celery, consumers, management commands), where it cost ~1 s of CPU before any work.
if TYPE_CHECKING:
    from sklearn.ensemble import HistGradientBoostingClassifier

FEATURES: tuple[str, ...] = (
    "amount",
    "card_velocity_1h",
    "card_velocity_24h",
    "customer_velocity_1h",
    "customer_velocity_24h",
    "ip_velocity_1h",
    "ip_velocity_24h",
    "customer_age_days",
    "customer_payment_count",
    "customer_dispute_count",
    "customer_card_count",
    "is_new_ip_for_customer",
    "geo_mismatch",
    "card_prepaid",
)
DEFAULT_PARAMS: dict[str, Any] = {
    "max_iter": 100,
    "learning_rate": 0.1,
    "max_leaf_nodes": 15,
    # Depth bounds the compiled walk's steps (latency in the confirm path).
    "max_depth": 6,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
}
TOP_FEATURES = 3
ACTIVE_CACHE_SECONDS = 10.0


def feature_row(attributes: dict[str, Any]) -> list[float]:
    """The model's input for one payment's attributes (unknown values are NaN)."""

    def number(value: Any) -> float:
        return math.nan if value is None else float(value)

    card_country, ip_country = attributes.get("card_country"), attributes.get("ip_country")
    mismatch = (
        math.nan
        if card_country is None or ip_country is None
        else float(card_country != ip_country)
    )
    derived = {
        "geo_mismatch": mismatch,
        "card_prepaid": float(attributes.get("card_funding") == "prepaid"),
    }
    return [derived[name] if name in derived else number(attributes.get(name)) for name in FEATURES]


def recall_at_fpr(labels: np.ndarray, scores: np.ndarray, max_fpr: float = 0.01) -> float:
    """The highest recall (true-positive rate) at a false-positive rate ≤ `max_fpr`."""
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(labels, scores)
    allowed = fpr <= max_fpr
    return float(tpr[allowed].max()) if allowed.any() else 0.0


def evaluation(labels: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """PR-AUC (average precision) and recall at 1 % FPR, rounded to 4 places."""
    from sklearn.metrics import average_precision_score

    return {
        "pr_auc": round(float(average_precision_score(labels, scores)), 4),
        "recall_at_1pct_fpr": round(recall_at_fpr(labels, scores), 4),
    }


class CompiledForest:
    """The fitted trees flattened into arrays and walked for all trees and rows at once with
    numpy: the same arithmetic as HistGradientBoostingClassifier.predict_proba (numeric features,
    NaN follows `missing_go_to_left`, `x <= threshold` goes left) without its per-tree Python
    loop, which costs ~10 ms per call. A test checks both agree."""

    def __init__(self, estimator: "HistGradientBoostingClassifier") -> None:
        trees = [iteration[0].nodes for iteration in estimator._predictors]
        offsets = np.cumsum([0] + [len(nodes) for nodes in trees[:-1]])
        nodes = np.concatenate(trees)
        shift = np.repeat(offsets, [len(tree) for tree in trees])
        self.roots = offsets.astype(np.int64)
        self.feature = nodes["feature_idx"].astype(np.int64)
        self.threshold = nodes["num_threshold"].astype(float)
        self.missing_left = nodes["missing_go_to_left"].astype(bool)
        self.is_leaf = nodes["is_leaf"].astype(bool)
        self.left = np.where(self.is_leaf, np.arange(len(nodes)), nodes["left"] + shift)
        self.right = np.where(self.is_leaf, np.arange(len(nodes)), nodes["right"] + shift)
        self.value = nodes["value"].astype(float)
        self.depth = int(nodes["depth"].max())
        self.baseline = float(np.ravel(estimator._baseline_prediction)[0])

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """P(fraud) for each row of `rows` (FEATURES order)."""
        position = np.tile(self.roots, (rows.shape[0], 1))
        row_index = np.arange(rows.shape[0])[:, None]
        for _ in range(self.depth):
            values = rows[row_index, self.feature[position]]
            go_left = np.where(
                np.isnan(values), self.missing_left[position], values <= self.threshold[position]
            )
            position = np.where(go_left, self.left[position], self.right[position])
        raw = self.baseline + self.value[position].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-raw))


@dataclass
class TrainedModel:
    estimator: "HistGradientBoostingClassifier"
    reference: np.ndarray  # per-feature medians of the training data
    forest: CompiledForest

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """P(fraud) per row, through the compiled forest (in-process scoring)."""
        return self.forest.probabilities(rows)


def fit(x: np.ndarray, y: np.ndarray, *, seed: int, params: dict[str, Any] | None = None):
    """Fit the classifier on feature rows `x` (FEATURES order) and 0/1 labels `y`; deterministic
    for a seed (no early stopping, fixed random_state). Returns a TrainedModel."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    estimator = HistGradientBoostingClassifier(
        **{**DEFAULT_PARAMS, **(params or {})}, early_stopping=False, random_state=seed
    )
    with threadpool_limits(1):
        estimator.fit(x, y)
    reference = np.nan_to_num(np.nanmedian(x, axis=0), nan=0.0)
    return TrainedModel(estimator=estimator, reference=reference, forest=CompiledForest(estimator))


def _dump(model: TrainedModel) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    return buffer.getvalue()


def risk_model_store(
    *,
    model: TrainedModel,
    metrics: dict[str, Any],
    source: str,
    params: dict[str, Any],
    activate: bool = True,
) -> RiskModel:
    """Save a trained model as the next version (and make it the active one: the previous active
    version is retired). Its own transaction."""
    with transaction.atomic():
        RiskModel.objects.select_for_update().filter(status=RiskModelStatus.ACTIVE).exists()
        version = (RiskModel.objects.aggregate(top=Max("version"))["top"] or 0) + 1
        if activate:
            RiskModel.objects.filter(status=RiskModelStatus.ACTIVE).update(
                status=RiskModelStatus.RETIRED
            )
        return RiskModel.objects.create(
            version=version,
            status=RiskModelStatus.ACTIVE if activate else RiskModelStatus.RETIRED,
            source=source,
            features=list(FEATURES),
            metrics=metrics,
            params=params,
            artifact=_dump(model),
            trained_at=timezone.now(),
        )


@dataclass(frozen=True)
class ModelScore:
    version: int
    score: int  # 0-100
    top_features: list[dict[str, Any]]


class _ActiveModel:
    """The active version, loaded once per process and rechecked every ACTIVE_CACHE_SECONDS."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked = 0.0
        self.version: int | None = None
        self.model: TrainedModel | None = None

    def get(self) -> tuple[int, TrainedModel] | None:
        now = time.monotonic()
        if now - self.checked >= ACTIVE_CACHE_SECONDS:
            with self.lock:
                active = (
                    RiskModel.objects.filter(status=RiskModelStatus.ACTIVE)
                    .values_list("version", flat=True)
                    .first()
                )
                if active is None:
                    self.version, self.model = None, None
                elif active != self.version:
                    artifact = RiskModel.objects.get(version=active).artifact
                    self.model = joblib.load(io.BytesIO(bytes(artifact)))
                    self.version = active
                self.checked = now
        if self.version is None or self.model is None:
            return None
        return self.version, self.model

    def reset(self) -> None:
        self.checked = 0.0


active_model = _ActiveModel()


def score_rows(model: TrainedModel, row: list[float]) -> tuple[int, list[dict[str, Any]]]:
    """The 0-100 score of one feature row and its top contributing features
    ([{feature, value, contribution}] with contribution in score points, largest first)."""
    base = np.asarray(row, dtype=float)
    rows = np.tile(base, (len(FEATURES) + 1, 1))
    for index in range(len(FEATURES)):
        rows[index + 1, index] = model.reference[index]
    probabilities = model.probabilities(rows) * 100
    score = round(float(probabilities[0]))
    contributions = probabilities[0] - probabilities[1:]
    order = np.argsort(-contributions)[:TOP_FEATURES]
    top = [
        {
            "feature": FEATURES[index],
            "value": None if math.isnan(base[index]) else float(base[index]),
            "contribution": round(float(contributions[index])),
        }
        for index in order
        if contributions[index] >= 0.5
    ]
    return min(max(score, 0), 100), top


def model_score(attributes: dict[str, Any]) -> ModelScore | None:
    """Score a payment's attributes with the active model; None when no model is trained."""
    active = active_model.get()
    if active is None:
        return None
    version, model = active
    score, top = score_rows(model, feature_row(attributes))
    return ModelScore(version=version, score=score, top_features=top)
