"""Each tool over its service or selector: the REST API's validation, representations and
errors, through `run_tool` (the path HTTP and stdio share)."""

import jsonschema
import pytest

from mcp_payments.accounts.context import AuthContext
from mcp_payments.events.models import Event
from mcp_payments.mcp import registry
from payments.models import Customer
from tests.fixtures.factories import CustomerFactory, UserFactory
from tests.fixtures.ledger import balance_of
from wallets.models import Payout, Transfer, Wallet

pytestmark = pytest.mark.django_db


def test_create_customer_is_what_the_rest_api_shows(merchant, agent, call, client_for):
    context = agent(merchant)

    outcome = call(context, "create_customer", {"name": "Ada Lovelace", "email": "ada@example.com"})

    assert (outcome.status, outcome.is_error) == ("ok", False)
    customer = outcome.body
    rest = client_for(merchant).get(f"/api/v1/customers/{customer['id']}")
    assert rest.status_code == 200
    assert rest.json() == customer
    assert (customer["object"], customer["name"], customer["email"]) == (
        "customer",
        "Ada Lovelace",
        "ada@example.com",
    )
    assert list(Event.objects.filter(object_id=customer["id"]).values_list("type", flat=True)) == [
        "customer.created"
    ]


def test_arguments_are_validated_like_rest_with_the_param_named(merchant, agent, call):
    context = agent(merchant)

    bad_email = call(context, "create_customer", {"email": "not-an-email"})
    unknown = call(context, "create_customer", {"nickname": "Ada"})
    string_amount = call(
        context,
        "create_transfer",
        {
            "source_wallet": "wal_a",
            "destination_wallet": "wal_b",
            "amount": "100",
            "currency": "usd",
        },
    )
    missing = call(context, "get_customer", {})

    assert bad_email.body == {
        "error": {
            "type": "invalid_request_error",
            "code": "parameter_invalid",
            "message": "Enter a valid email address.",
            "param": "email",
        }
    }
    assert (unknown.body["error"]["code"], unknown.body["error"]["param"]) == (
        "parameter_unknown",
        "nickname",
    )
    assert (string_amount.body["error"]["code"], string_amount.body["error"]["param"]) == (
        "parameter_invalid",
        "amount",
    )
    assert missing.body["error"] == {
        "type": "invalid_request_error",
        "code": "parameter_missing",
        "message": "Missing required parameter: id.",
        "param": "id",
    }
    assert Customer.objects.count() == 0
    assert Transfer.objects.count() == 0


def test_get_customer_of_another_merchant_is_not_found(merchant, other_merchant, agent, call):
    theirs = CustomerFactory(merchant=other_merchant)

    outcome = call(agent(merchant), "get_customer", {"id": theirs.id})

    assert outcome.is_error
    assert outcome.body["error"] == {
        "type": "invalid_request_error",
        "code": "resource_missing",
        "message": f"No such customer: '{theirs.id}'",
        "param": "id",
    }


def test_list_customers_pages_with_a_cursor_newest_first(merchant, agent, call):
    first, second, third = (CustomerFactory(merchant=merchant) for _ in range(3))
    context = agent(merchant)

    page = call(context, "list_customers", {"limit": 2}).body
    rest = call(context, "list_customers", {"limit": 2, "starting_after": page["next_cursor"]}).body

    assert [row["id"] for row in page["data"]] == [third.id, second.id]
    assert (page["object"], page["has_more"], page["next_cursor"]) == ("list", True, second.id)
    assert [row["id"] for row in rest["data"]] == [first.id]
    assert (rest["has_more"], rest["next_cursor"]) == (False, None)


def test_list_limit_out_of_range_is_refused_with_param(merchant, agent, call):
    outcome = call(agent(merchant), "list_customers", {"limit": 101})

    assert (outcome.body["error"]["code"], outcome.body["error"]["param"]) == (
        "parameter_invalid",
        "limit",
    )


def test_list_customers_by_email(merchant, agent, call):
    CustomerFactory(merchant=merchant, email="a@example.com")
    wanted = CustomerFactory(merchant=merchant, email="b@example.com")

    page = call(agent(merchant), "list_customers", {"email": "b@example.com"}).body

    assert [row["id"] for row in page["data"]] == [wanted.id]


def test_get_balance_is_get_balance(merchant, agent, call, client_for):
    outcome = call(agent(merchant), "get_balance")

    assert outcome.body == client_for(merchant).get("/api/v1/balance").json()
    assert outcome.body == {"object": "balance", "available": [], "pending": []}


def test_create_and_get_wallet_and_its_transactions(merchant, agent, call, funded_wallets):
    context = agent(merchant)
    customer = CustomerFactory(merchant=merchant)

    created = call(context, "create_wallet", {"currency": "eur", "customer": customer.id}).body
    fetched = call(context, "get_wallet", {"id": created["id"]}).body
    source, destination = funded_wallets(500)
    call(
        context,
        "create_transfer",
        {
            "source_wallet": source.id,
            "destination_wallet": destination.id,
            "amount": 200,
            "currency": "usd",
        },
    )
    transactions = call(context, "list_wallet_transactions", {"id": source.id}).body

    assert (created["object"], created["currency"], created["customer"]) == (
        "wallet",
        "eur",
        customer.id,
    )
    assert created["balance"] == {"available": 0, "pending": 0}
    assert fetched == created
    assert [(row["kind"], row["amount"]) for row in transactions["data"]] == [
        ("transfer", -200),
        ("adjustment", 500),
    ]


def test_create_wallet_for_another_merchants_customer_is_not_found(
    merchant, other_merchant, agent, call
):
    theirs = CustomerFactory(merchant=other_merchant)

    outcome = call(agent(merchant), "create_wallet", {"currency": "usd", "customer": theirs.id})

    assert outcome.body["error"]["code"] == "resource_missing"
    assert Wallet.objects.count() == 0


def test_create_transfer_moves_money_like_post_transfers(merchant, agent, call, funded_wallets):
    source, destination = funded_wallets(1_000)

    outcome = call(
        agent(merchant),
        "create_transfer",
        {
            "source_wallet": source.id,
            "destination_wallet": destination.id,
            "amount": 300,
            "currency": "usd",
            "application_fee_amount": 10,
            "metadata": {"order": "42"},
        },
    )

    transfer = outcome.body
    assert (transfer["object"], transfer["status"], transfer["amount"]) == (
        "transfer",
        "posted",
        300,
    )
    assert transfer["metadata"] == {"order": "42"}
    assert balance_of(source) == (700, 0)
    assert balance_of(destination) == (290, 0)
    assert Transfer.objects.get().id == transfer["id"]


def test_insufficient_funds_is_a_tool_error_with_the_api_code(
    merchant, agent, call, funded_wallets
):
    source, destination = funded_wallets(100)

    outcome = call(
        agent(merchant),
        "create_transfer",
        {
            "source_wallet": source.id,
            "destination_wallet": destination.id,
            "amount": 101,
            "currency": "usd",
        },
    )

    assert outcome.is_error
    assert (outcome.body["error"]["type"], outcome.body["error"]["code"]) == (
        "conflict_error",
        "insufficient_funds",
    )
    assert Transfer.objects.count() == 0
    assert balance_of(source) == (100, 0)


def test_create_payout_from_a_wallet(merchant, agent, call, funded_wallets):
    source, _ = funded_wallets(1_000)

    outcome = call(
        agent(merchant),
        "create_payout",
        {"wallet": source.id, "amount": 400, "currency": "usd", "destination": "btok_success"},
    )

    assert (outcome.body["object"], outcome.body["status"], outcome.body["source"]) == (
        "payout",
        "pending",
        "wallet",
    )
    assert Payout.objects.get().amount == 400
    assert balance_of(source) == (600, 0)


def test_list_events_of_a_type(merchant, agent, call):
    context = agent(merchant)
    call(context, "create_customer", {"name": "Ada"})
    call(context, "create_wallet", {"currency": "usd"})

    page = call(context, "list_events", {"type": "customer.*"}).body

    assert [event["type"] for event in page["data"]] == ["customer.created"]


def test_customer_pii_is_redacted_without_customers_read(merchant, agent, call):
    call(agent(merchant), "create_customer", {"name": "Ada", "email": "ada@example.com"})

    without = call(agent(merchant, scopes="events:read"), "list_events", {}).body
    with_scope = call(agent(merchant, scopes="events:read customers:read"), "list_events").body

    customer = without["data"][0]["data"]["object"]
    assert (customer["name"], customer["email"], customer["phone"]) == (
        "[redacted]",
        "[redacted]",
        None,
    )
    assert with_scope["data"][0]["data"]["object"]["email"] == "ada@example.com"


def test_system_status_is_for_platform_staff(merchant, agent, call):
    staff = UserFactory(is_staff=True)
    staff_context = AuthContext(
        merchant=None, scopes=frozenset({"system:read"}), user=staff, is_platform_staff=True
    )

    refused = call(agent(merchant), "get_system_status")
    status = call(staff_context, "get_system_status")

    assert refused.body["error"]["code"] == "permission_denied"
    assert status.body["object"] == "system_status"
    # The tool's declared output schema describes every section of the real answer.
    schema = registry.tools()["get_system_status"].output_schema
    jsonschema.validate(status.body, schema)
    assert set(schema["required"]) == set(status.body)
    assert set(schema["properties"]) == set(status.body)


def test_unknown_tool(merchant, agent, call):
    outcome = call(agent(merchant), "delete_everything")

    assert outcome.body["error"] == {
        "type": "invalid_request_error",
        "code": "unknown_tool",
        "message": "Unknown tool: 'delete_everything'.",
        "param": "name",
    }
