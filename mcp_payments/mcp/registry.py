"""The tool, resource and prompt registry. Each app declares its own in its `mcp_tools.py`:

    @tool(
        "get_customer",
        scope="customers:read",
        input=IdInput,
        output=CustomerSerializer,
        description="Retrieve a customer by id.",
    )
    def get_customer(call: ToolCall, data: dict) -> Customer:
        return selectors.customer_get(context=call.context, customer_id=data["id"])

A tool is a thin function over a service or selector: the framework (`execution.py`) checks
scopes and agent policy, validates the arguments with the `input` serializer (the REST API's
own), renders the result with `output` (the REST representation), and for write tools handles
idempotency, approvals, dry runs and the audit row. Money-moving tools add `effect=MONEY` and
`amount=` (how to read amount and currency from the validated arguments).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from django.db.models import Model
from django.utils.module_loading import autodiscover_modules
from rest_framework import serializers

from mcp_payments.accounts.context import AuthContext
from mcp_payments.agents.services.policy import ToolRequirement
from mcp_payments.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from mcp_payments.api.serializers import StrictSerializer

from .schemas import Schema, nullable, serializer_schema


class Effect(StrEnum):
    READ = "read"  # changes nothing
    WRITE = "write"  # changes state, moves no money: idempotent, audited
    MONEY = "money"  # moves money: also agent limits, approvals and dry runs


@dataclass(frozen=True)
class ToolCall:
    """What a tool function gets besides its validated arguments: who calls."""

    context: AuthContext
    dry_run: bool = False


class NoInput(StrictSerializer):
    """Input of a tool without arguments."""


class IdInput(StrictSerializer):
    """Input of a tool that reads one object (the REST path's `{id}`)."""

    id = serializers.CharField(max_length=64, help_text="The object's id.")


class ListInput(StrictSerializer):
    """Input of a list tool: a cursor page, newest first, as the REST lists (API.md §1).
    `created_gte`/`created_lt` are REST's `created[gte]`/`created[lt]` (MCP clients refuse
    brackets in argument names)."""

    limit = serializers.IntegerField(
        min_value=1, max_value=MAX_LIMIT, required=False, default=DEFAULT_LIMIT
    )
    starting_after = serializers.CharField(
        max_length=64,
        required=False,
        help_text="Cursor: an object id or the previous page's next_cursor.",
    )
    created_gte = serializers.CharField(
        required=False, help_text="Only objects created at or after (unix seconds or RFC 3339)."
    )
    created_lt = serializers.CharField(
        required=False, help_text="Only objects created before (unix seconds or RFC 3339)."
    )


# Framework arguments of write tools, not passed to the tool's input serializer.
IDEMPOTENCY_KEY = "idempotency_key"
DRY_RUN = "dry_run"

_IDEMPOTENCY_SCHEMA: Schema = {
    "type": "string",
    "minLength": 1,
    "maxLength": 255,
    "description": "Optional. Retries with the same key return the first result for 24 h. "
    "Without it the key is derived from the arguments, so an identical retry within the "
    "idempotency window returns the first result too.",
}
_DRY_RUN_SCHEMA: Schema = {
    "type": "boolean",
    "default": False,
    "description": "Simulate: plan the real operation without calling the provider or anything "
    "outside, then roll it back. Returns the would-be object, its ledger postings, the fee, the "
    "agent-policy verdict and the provider's predicted outcome; changes nothing.",
}

PENDING_APPROVAL_SCHEMA: Schema = {
    "type": "object",
    "properties": {
        "status": {"const": "pending_approval"},
        "approval": {"type": "string", "description": "appr_… id; poll get_approval."},
    },
    "required": ["status", "approval"],
}


def _dry_run_schema(object_schema: Schema) -> Schema:
    posting = serializer_schema(_PostingOut, output=True)
    return {
        "type": "object",
        "properties": {
            "object": {"const": "dry_run"},
            "tool": {"type": "string"},
            "would_create": {"anyOf": [object_schema, {"type": "null"}]},
            "postings": {"type": "array", "items": posting},
            "fee": {"type": "integer"},
            "amount": {"type": "integer"},
            "currency": {"type": "string"},
            "policy": {"type": "object"},
            "error": {"anyOf": [{"type": "object"}, {"type": "null"}]},
            "provider_outcome": {
                "anyOf": [{"type": "string"}, {"type": "null"}],
                "description": "What the provider would answer (predicted for the sandbox's "
                "test cards; 'unknown' for another provider; null: no provider involved).",
            },
            "provider_calls": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["object", "tool", "would_create", "postings", "fee", "policy", "error"],
    }


class _PostingOut(serializers.Serializer):
    entry = serializers.CharField()
    account = serializers.CharField()
    amount = serializers.IntegerField(help_text="Debit > 0 > credit, in minor units.")
    currency = serializers.CharField()
    type = serializers.CharField()


@dataclass(frozen=True)
class ToolSpec:
    name: str
    fn: Callable[[ToolCall, dict[str, Any]], Any]
    description: str
    scope: str | None
    input: type[serializers.Serializer]
    output: type[serializers.Serializer] | Schema
    effect: Effect = Effect.READ
    title: str | None = None
    is_list: bool = False
    destructive: bool = False
    idempotent: bool = True
    open_world: bool = False
    staff_only: bool = False
    policy_exempt: bool = False
    amount: Callable[[dict[str, Any]], tuple[int, str]] | None = None
    fee: Callable[[Any], int] = field(default=lambda obj: 0)
    # False: the amount moves money but was counted before (a capture counts at confirm), so
    # the policy judges the operation only (read_only, allowed_tools, expiry).
    policy_amount: bool = True

    @property
    def writes(self) -> bool:
        return self.effect is not Effect.READ

    @property
    def requirement(self) -> ToolRequirement:
        return ToolRequirement(
            name=self.name,
            scope=self.scope,
            writes=self.writes,
            staff_only=self.staff_only,
            policy_exempt=self.policy_exempt,
        )

    def render(self, result: Any) -> dict[str, Any]:
        """The REST representation of what the tool function returned."""
        if isinstance(self.output, dict) or isinstance(result, dict):
            return dict(result)
        return dict(self.output(result).data)

    @cached_property
    def object_schema(self) -> Schema:
        if isinstance(self.output, dict):
            return self.output
        return serializer_schema(self.output, output=True)

    @cached_property
    def input_schema(self) -> Schema:
        schema = serializer_schema(self.input)
        if self.writes:
            schema["properties"][IDEMPOTENCY_KEY] = _IDEMPOTENCY_SCHEMA
        if self.effect is Effect.MONEY:
            schema["properties"][DRY_RUN] = _DRY_RUN_SCHEMA
        return schema

    @cached_property
    def output_schema(self) -> Schema:
        if self.is_list:
            return {
                "type": "object",
                "properties": {
                    "object": {"const": "list"},
                    "data": {"type": "array", "items": self.object_schema},
                    "has_more": {"type": "boolean"},
                    "next_cursor": nullable({"type": "string"}),
                },
                "required": ["object", "data", "has_more", "next_cursor"],
            }
        if self.effect is Effect.MONEY:
            return {
                "type": "object",
                "anyOf": [
                    self.object_schema,
                    PENDING_APPROVAL_SCHEMA,
                    _dry_run_schema(self.object_schema),
                ],
            }
        return self.object_schema

    @property
    def annotations(self) -> dict[str, Any]:
        if not self.writes:
            return {"readOnlyHint": True, "openWorldHint": self.open_world}
        return {
            "readOnlyHint": False,
            "destructiveHint": self.destructive,
            "idempotentHint": self.idempotent,
            "openWorldHint": self.open_world,
        }


@dataclass(frozen=True)
class ResourceSpec:
    """A resource template such as `customers://{id}`: `fn(call, id)` returns the object."""

    scheme: str
    fn: Callable[[ToolCall, str], Model | dict[str, Any]]
    name: str
    description: str
    scope: str | None
    output: type[serializers.Serializer]
    # As for tools: a resource every caller may read of its own (its approvals), whatever
    # `allowed_tools` says.
    policy_exempt: bool = False

    @property
    def uri_template(self) -> str:
        return f"{self.scheme}://{{id}}"

    @property
    def requirement(self) -> ToolRequirement:
        return ToolRequirement(
            name=f"{self.scheme}://",
            scope=self.scope,
            writes=False,
            policy_exempt=self.policy_exempt,
        )


@dataclass(frozen=True)
class PromptArgument:
    name: str
    description: str
    required: bool = True


@dataclass(frozen=True)
class PromptSpec:
    """`fn(tools, **arguments)` returns the prompt text; `tools` are the names of the tools the
    caller may call, so the text only names tools the agent can use."""

    name: str
    fn: Callable[..., str]
    title: str
    description: str
    arguments: tuple[PromptArgument, ...] = ()


_TOOLS: dict[str, ToolSpec] = {}
_RESOURCES: dict[str, ResourceSpec] = {}
_PROMPTS: dict[str, PromptSpec] = {}
_loaded = False


def tool(
    name: str,
    *,
    scope: str | None,
    input: type[serializers.Serializer],
    output: type[serializers.Serializer] | Schema,
    description: str,
    **options: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a tool (see the module docstring; options are `ToolSpec`'s fields)."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in _TOOLS:
            raise ValueError(f"MCP tool {name!r} is registered twice")
        spec = ToolSpec(
            name=name,
            fn=fn,
            description=description,
            scope=scope,
            input=input,
            output=output,
            **options,
        )
        if spec.effect is Effect.MONEY and spec.amount is None:
            raise ValueError(f"money-moving tool {name!r} needs amount=")
        if spec.is_list and not issubclass(input, ListInput):
            raise ValueError(f"list tool {name!r} needs an input derived from ListInput")
        _TOOLS[name] = spec
        return fn

    return register


def resource(
    scheme: str,
    *,
    scope: str | None,
    output: type[serializers.Serializer],
    name: str,
    description: str,
    policy_exempt: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the resource template `<scheme>://{id}`."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if scheme in _RESOURCES:
            raise ValueError(f"MCP resource {scheme}:// is registered twice")
        _RESOURCES[scheme] = ResourceSpec(
            scheme, fn, name, description, scope, output, policy_exempt=policy_exempt
        )
        return fn

    return register


def prompt(
    name: str, *, title: str, description: str, arguments: tuple[PromptArgument, ...] = ()
) -> Callable[[Callable[..., str]], Callable[..., str]]:
    def register(fn: Callable[..., str]) -> Callable[..., str]:
        if name in _PROMPTS:
            raise ValueError(f"MCP prompt {name!r} is registered twice")
        _PROMPTS[name] = PromptSpec(name, fn, title, description, arguments)
        return fn

    return register


def load() -> None:
    """Import every installed app's `mcp_tools` module (once)."""
    global _loaded
    if not _loaded:
        autodiscover_modules("mcp_tools")
        _loaded = True


def tools() -> dict[str, ToolSpec]:
    load()
    return _TOOLS


def resources() -> dict[str, ResourceSpec]:
    load()
    return _RESOURCES


def prompts() -> dict[str, PromptSpec]:
    load()
    return _PROMPTS


def list_page_params(data: dict[str, Any]) -> dict[str, Any]:
    """Split a list tool's validated data: (the REST query parameters of the page)."""
    params: dict[str, Any] = {"limit": data.pop("limit", DEFAULT_LIMIT)}
    for name, rest_name in (
        ("starting_after", "starting_after"),
        ("created_gte", "created[gte]"),
        ("created_lt", "created[lt]"),
    ):
        if name in data:
            params[rest_name] = data.pop(name)
    return params


__all__ = [
    "DRY_RUN",
    "IDEMPOTENCY_KEY",
    "Effect",
    "IdInput",
    "ListInput",
    "PromptArgument",
    "ToolCall",
    "prompt",
    "resource",
    "tool",
]
