import json
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError

from compliance.services.audit import audit_seal_and_verify


class Command(BaseCommand):
    help = (
        "Seal pending audit entries, verify the hash chain, print one JSON line; exit 1 if broken."
    )

    def handle(self, *args, **options) -> None:
        result = audit_seal_and_verify()
        self.stdout.write(json.dumps(asdict(result)))
        if not result.ok:
            raise CommandError(
                f"audit chain broken at position {result.first_broken_position} "
                f"({result.first_broken_id}): {result.reason}",
                returncode=1,
            )
