import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework.exceptions import ValidationError

from mcp_payments.accounts.api.serializers import AgentPolicySerializer
from mcp_payments.accounts.models import Merchant
from mcp_payments.accounts.services import AgentPolicy, api_key_create
from mcp_payments.api.errors import ApplicationError


class Command(BaseCommand):
    help = "Create an API key for a merchant; print {id, api_key} as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("merchant", help="Merchant id (mer_...)")
        parser.add_argument("--scopes", required=True, help='Space-separated scopes, or "*".')
        parser.add_argument("--name", default="")
        parser.add_argument("--agent-policy", default=None, help="JSON agent policy")

    def handle(self, *args, merchant: str, scopes: str, name: str, agent_policy, **options):
        found = Merchant.objects.filter(pk=merchant).first()
        if found is None:
            raise CommandError(f"No such merchant: {merchant}")
        policy = None
        if agent_policy:
            try:
                raw = json.loads(agent_policy)
            except ValueError as exc:
                raise CommandError(f"--agent-policy is not valid JSON: {exc}") from None
            serializer = AgentPolicySerializer(data=raw)
            try:
                serializer.is_valid(raise_exception=True)
            except ValidationError as exc:
                raise CommandError(f"Invalid agent policy: {exc.detail}") from None
            policy = AgentPolicy(**serializer.validated_data)
        try:
            created = api_key_create(
                merchant=found, scopes=scopes, name=name, policy=policy, context=None
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(json.dumps({"id": created.key.id, "api_key": created.secret}))
