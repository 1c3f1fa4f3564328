"""Prompts: step-by-step instructions naming the tools to call. A step whose tool the caller
cannot call (its scopes or agent policy, or a tool that does not exist yet) is left out, so the
prompts grow with the tool set without edits."""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from .registry import PromptArgument, prompt


def _steps(tools: set[str], steps: Iterable[tuple[str | None, str]]) -> str:
    lines = [text for tool, text in steps if tool is None or tool in tools]
    return "\n".join(f"{number}. {text}" for number, text in enumerate(lines, start=1))


@prompt(
    "investigate_payment",
    title="Investigate a payment",
    description="Reconstruct what happened to one payment (status, money movements, refunds, "
    "disputes, customer) and say what, if anything, needs doing.",
    arguments=(PromptArgument("payment", "The payment's id (pay_…)."),),
)
def investigate_payment(tools: set[str], payment: str) -> str:
    steps = _steps(
        tools,
        [
            (
                "get_payment",
                f"Call get_payment with id={payment!r}: note its status, amount, "
                "amount_received, amount_refunded, fee, risk and last_payment_error. From "
                "risk: the score (0-100) and level, the merchant rule that decided (risk.rule), "
                "the model version and its top_features (what pushed the score up).",
            ),
            (
                "list_risk_rules",
                "Call list_risk_rules: which of the merchant's rules could have matched this "
                "payment, and whether a rule (or test_risk_rule on it) explains the decision.",
            ),
            (
                "list_events",
                f"Call list_events with type='payment.*' and page with "
                f"starting_after until you have every event whose data.object.id is {payment!r}; "
                "lay them out as a timeline.",
            ),
            (
                "list_refunds",
                f"Call list_refunds for payment={payment!r}: list each refund, "
                "its amount and status.",
            ),
            (
                "list_disputes",
                f"Call list_disputes and keep those of {payment!r}: reason, "
                "status, evidence due date.",
            ),
            (
                "get_customer",
                "If the payment has a customer, call get_customer with that id "
                "(the name and email show only with the customers:read scope).",
            ),
            (
                "get_balance",
                "Call get_balance to see whether the merchant balance can cover "
                "a refund or a dispute loss in that currency.",
            ),
            (
                None,
                "Report: the timeline, the money actually received and returned (amounts "
                "in the currency's minor units, converted for display), anything inconsistent, "
                "and the next action you recommend. Do not move money unless asked to; if asked, "
                "use dry_run: true first and show the result.",
            ),
        ],
    )
    return f"Investigate payment {payment} on MCP Payments.\n\n{steps}"


def _day(value: str | None) -> date:
    if not value:
        return datetime.now(UTC).date() - timedelta(days=1)
    return date.fromisoformat(value)


@prompt(
    "daily_revenue_brief",
    title="Daily revenue brief",
    description="A short brief of one UTC day: revenue, refunds, disputes, payouts and balances.",
    arguments=(
        PromptArgument("date", "The UTC day, YYYY-MM-DD (default: yesterday).", required=False),
    ),
)
def daily_revenue_brief(tools: set[str], date: str | None = None) -> str:
    day = _day(date)
    start = f"{day.isoformat()}T00:00:00Z"
    end = f"{(day + timedelta(days=1)).isoformat()}T00:00:00Z"
    window = f"created_gte={start!r} and created_lt={end!r}"
    steps = _steps(
        tools,
        [
            ("get_revenue_summary", f"Call get_revenue_summary for {day.isoformat()}."),
            (
                "list_events",
                f"Call list_events with type='payment.succeeded' and {window}, "
                "paging with starting_after until has_more is false; sum data.object.amount per "
                "currency (gross revenue) and count the payments.",
            ),
            (
                "list_events",
                f"Call list_events with type='refund.*' and {window}; sum the "
                "succeeded refunds per currency.",
            ),
            (
                "list_events",
                f"Call list_events with type='dispute.*' and {window}; list new "
                "and closed disputes.",
            ),
            (
                "list_events",
                f"Call list_events with type='payout.*' and {window}; list payouts "
                "paid and failed.",
            ),
            (
                "list_events",
                f"Call list_events with type='agent.*' and {window}; list agent "
                "calls that waited for approval and how they were decided.",
            ),
            ("get_balance", "Call get_balance for the available and pending balance now."),
            (
                None,
                "Write the brief: gross revenue, refunds and net per currency (minor units "
                "converted for display), disputes, payouts, balances, and anything unusual worth "
                "a human's attention. Keep it under 200 words; change nothing.",
            ),
        ],
    )
    return f"Daily revenue brief for {day.isoformat()} (UTC) on MCP Payments.\n\n{steps}"
