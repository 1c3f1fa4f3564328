"""The transaction simulator (parameters fixed in docs/risk.md before the model was tuned).

It draws payment attempts at the level of the risk attributes (the same dict the live engine
computes from PostgreSQL), with labels, over six months: months 1-5 for training, month 6 held
out. Genuine traffic has its own noise (travellers' geography mismatch, new IPs, large baskets,
prepaid cards) so no single attribute gives fraud away; 10 % of fraud is drawn from the genuine
distribution (indistinguishable); month 6 drifts (see DRIFT).
"""

import math
import random
from dataclasses import dataclass
from typing import Any

import numpy as np

PAYMENTS = 200_000
FRAUD_RATE = 0.005
SEED = 17
MONTHS = 6
HELD_OUT_MONTH = 6
PATTERN_MIX: dict[str, float] = {
    "card_testing": 0.25,
    "account_takeover": 0.20,
    "high_value_first_purchase": 0.20,
    "geo_mismatch": 0.15,
    "velocity": 0.10,
    "indistinguishable": 0.10,
}
# Held-out month: card-testing bursts slow down, takeovers come from abroad more often,
# high-value fraud grows by 30 %, and more genuine buyers travel and use prepaid cards.
DRIFT: dict[str, float] = {
    "card_testing_velocity_scale": 0.5,
    "account_takeover_foreign_share": 0.7,
    "high_value_amount_scale": 1.3,
    "genuine_mismatch_share": 0.09,
    "genuine_prepaid_share": 0.06,
}
COUNTRIES = ("US", "GB", "FR", "DE", "BR", "NG", "JP")
COUNTRY_WEIGHTS = (0.70, 0.10, 0.05, 0.05, 0.05, 0.02, 0.03)


class _Random(random.Random):
    """The standard library generator (scalar draws are ~10x cheaper than numpy's) plus Poisson."""

    def poisson(self, lam: float) -> int:
        """Knuth's method (the rates here are small)."""
        limit, count, product = math.exp(-lam), 0, self.random()
        while product > limit:
            count += 1
            product *= self.random()
        return count


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


@dataclass
class SimulatedData:
    attributes: list[dict[str, Any]]
    labels: np.ndarray  # 1 = fraud
    months: np.ndarray  # 1..MONTHS
    patterns: list[str]


def _genuine(rng: _Random, drifted: bool) -> dict[str, Any]:
    guest = rng.random() < 0.15
    age = None if guest else int(rng.expovariate(1 / 300))
    card_country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
    mismatch_share = DRIFT["genuine_mismatch_share"] if drifted else 0.06
    ip_known = rng.random() > 0.10
    ip_country = (
        None
        if not ip_known
        else (rng.choice(COUNTRIES) if rng.random() < mismatch_share else card_country)
    )
    card_1h = rng.poisson(0.15)
    customer_1h = 0 if guest else rng.poisson(0.15)
    ip_1h = rng.poisson(0.3)
    prepaid_share = DRIFT["genuine_prepaid_share"] if drifted else 0.04
    return {
        "amount": int(_clip(rng.lognormvariate(math.log(4_000), 1.1), 50, 2_000_000)),
        "currency": "usd",
        "card_brand": "visa",
        "card_country": card_country,
        "card_funding": "prepaid" if rng.random() < prepaid_share else "credit",
        "ip_country": ip_country,
        "customer_age_days": age,
        "customer_payment_count": 0 if guest else rng.poisson((age or 0) / 40 + 0.2),
        "customer_dispute_count": 0 if guest else int(rng.random() < 0.01),
        "customer_card_count": 0 if guest else 1 + rng.poisson(0.3),
        "card_velocity_1h": card_1h,
        "card_velocity_24h": card_1h + rng.poisson(0.6),
        "customer_velocity_1h": customer_1h,
        "customer_velocity_24h": customer_1h + (0 if guest else rng.poisson(0.6)),
        "ip_velocity_1h": ip_1h,
        "ip_velocity_24h": ip_1h + rng.poisson(1.5),
        "is_new_ip_for_customer": None if guest or not ip_known else bool(rng.random() < 0.15),
        "is_blocked_card": bool(rng.random() < 0.0002),
        "is_blocked_email": False,
        "is_blocked_email_domain": False,
        "is_blocked_ip": False,
        "is_blocked_customer": False,
        "provider_signal": "highest" if rng.random() < 0.0003 else None,
    }


def _fraud(rng: _Random, pattern: str, drifted: bool) -> dict[str, Any]:
    row = _genuine(rng, drifted)
    if pattern == "indistinguishable":
        return row
    row["is_blocked_card"] = bool(rng.random() < 0.03)
    row["provider_signal"] = "highest" if rng.random() < 0.03 else None
    if pattern == "card_testing":
        scale = DRIFT["card_testing_velocity_scale"] if drifted else 1.0
        burst = 1 + rng.poisson(6 * scale)
        row.update(
            amount=int(rng.randrange(50, 600)),
            card_velocity_1h=burst,
            card_velocity_24h=burst + rng.poisson(2),
            ip_velocity_1h=burst + rng.poisson(3),
            ip_velocity_24h=burst + rng.poisson(8),
            card_funding="prepaid" if rng.random() < 0.3 else row["card_funding"],
        )
        if rng.random() < 0.7:
            row.update(
                customer_age_days=None,
                customer_payment_count=0,
                customer_dispute_count=0,
                customer_card_count=0,
                customer_velocity_1h=0,
                customer_velocity_24h=0,
                is_new_ip_for_customer=None,
            )
    elif pattern == "account_takeover":
        foreign = DRIFT["account_takeover_foreign_share"] if drifted else 0.5
        row.update(
            customer_age_days=int(rng.expovariate(1 / 400)) + 30,
            customer_payment_count=rng.poisson(8),
            customer_card_count=1 + int(rng.randrange(1, 4)),
            is_new_ip_for_customer=bool(rng.random() < 0.85),
            amount=int(_clip(rng.lognormvariate(math.log(15_000), 0.9), 500, 2_000_000)),
            customer_velocity_24h=row["customer_velocity_24h"] + rng.poisson(1.5),
        )
        if rng.random() < foreign:
            row["ip_country"] = rng.choice([c for c in COUNTRIES if c != row["card_country"]])
    elif pattern == "high_value_first_purchase":
        scale = DRIFT["high_value_amount_scale"] if drifted else 1.0
        row.update(
            customer_age_days=int(rng.randrange(0, 3)),
            customer_payment_count=0,
            customer_card_count=int(rng.randrange(0, 2)),
            customer_velocity_1h=0,
            amount=int(_clip(rng.lognormvariate(math.log(60_000 * scale), 0.7), 5_000, 5_000_000)),
        )
    elif pattern == "geo_mismatch":
        row.update(
            card_country=rng.choice(("US", "GB", "FR", "DE")),
            ip_country=rng.choices(("NG", "BR", "JP"), (0.5, 0.3, 0.2))[0],
            amount=int(_clip(rng.lognormvariate(math.log(9_000), 0.9), 200, 2_000_000)),
        )
    elif pattern == "velocity":
        burst = 2 + rng.poisson(4)
        row.update(
            customer_velocity_1h=burst,
            customer_velocity_24h=burst + rng.poisson(4),
            ip_velocity_24h=row["ip_velocity_24h"] + rng.poisson(6),
            amount=int(_clip(rng.lognormvariate(math.log(7_000), 0.8), 200, 2_000_000)),
        )
        if row["customer_age_days"] is None:
            row["customer_age_days"] = int(rng.randrange(0, 30))
    return row


def simulate(*, payments: int = PAYMENTS, seed: int = SEED) -> SimulatedData:
    """Draw `payments` attempts spread evenly over MONTHS months, FRAUD_RATE of them fraud with
    the PATTERN_MIX; deterministic for `seed`. Each attribute dict has the keys the rules engine
    computes (plus `provider_signal`)."""
    rng = _Random(seed)
    months = np.sort(np.array([rng.randint(1, MONTHS) for _ in range(payments)]))
    labels = np.array([int(rng.random() < FRAUD_RATE) for _ in range(payments)])
    names = list(PATTERN_MIX)
    weights = [PATTERN_MIX[name] for name in names]
    attributes: list[dict[str, Any]] = []
    patterns: list[str] = []
    for month, label in zip(months, labels, strict=True):
        drifted = month == HELD_OUT_MONTH
        if label:
            pattern = rng.choices(names, weights)[0]
            attributes.append(_fraud(rng, pattern, drifted))
        else:
            pattern = "genuine"
            attributes.append(_genuine(rng, drifted))
        patterns.append(pattern)
    return SimulatedData(attributes=attributes, labels=labels, months=months, patterns=patterns)
