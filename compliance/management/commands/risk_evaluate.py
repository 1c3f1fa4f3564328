"""`python manage.py risk_evaluate [--payments N] [--seed S]`: the model vs today's rules on the
simulator's held-out month; prints one JSON object of figures (docs/risk.md)."""

import json

from django.core.management.base import BaseCommand

from compliance import simulator
from compliance.services.evaluation import risk_evaluate


class Command(BaseCommand):
    help = "Evaluate the fraud model against the baseline rules on simulated data (JSON)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--payments", type=int, default=simulator.PAYMENTS)
        parser.add_argument("--seed", type=int, default=simulator.SEED)

    def handle(self, *args, **options) -> None:
        figures = risk_evaluate(payments=options["payments"], seed=options["seed"])
        self.stdout.write(json.dumps(figures))
