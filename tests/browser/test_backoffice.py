"""The back office in Chromium, as a newcomer uses it: log in with the staff login `make run`
prints (and its second factor), see a styled console, refund part of a payment and see the
amount formatted, approve an agent's call from its page, use it at 390 px; the API docs render
with every host but 127.0.0.1 blocked. Screenshots go to var/screenshots/."""

import re

import httpx2
import pytest
from playwright.sync_api import Page, expect

from mcp_payments.accounts.services import merchant_create
from mcp_payments.agents.models import AgentApproval
from payments.models import Payment, Refund
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    block_external,
    login_admin,
    screenshot,
)
from tests.fixtures.backoffice import pending_approval

pytestmark = pytest.mark.django_db(transaction=True)


def new_merchant():
    return merchant_create(name="Browser Shop", email="shop@example.com")


def paid_payment(server, merchant_key: str, amount: int) -> str:
    """A succeeded payment made over the server's REST API, as an integrator would."""
    api = httpx2.Client(
        base_url=f"{server.base_url}/api/v1",
        headers={"Authorization": f"Bearer {merchant_key}"},
        timeout=30,
    )
    method = api.post("/payment_methods", json={"type": "card", "card": {"token": "tok_visa"}})
    body = {"amount": amount, "currency": "usd", "payment_method": method.json()["id"]}
    payment = api.post("/payments", json={**body, "confirm": True}).json()
    assert payment["status"] == "succeeded", payment
    return payment["id"]


def test_login_styled_console_and_a_partial_refund(
    page: Page, app_server, staff, no_horizontal_scroll
):
    created = new_merchant()
    payment_id = paid_payment(app_server, created.api_key.secret, 12_345)

    page.goto(f"{app_server.base_url}/admin/login/")
    # The stylesheet is applied (computed style, not only a 200): unfold lays the page out
    # as a flex box; raw HTML would be `block`.
    assert page.evaluate("getComputedStyle(document.getElementById('page')).display") == "flex"
    login_admin(page, app_server, staff)
    expect(page.locator("#page")).to_have_css("display", "flex")
    screenshot(page, "admin-index-1280")

    page.goto(f"{app_server.base_url}/admin/payments/payment/")
    row = page.locator("#result_list tbody", has_text=payment_id)
    expect(row).to_contain_text("$123.45")
    assert no_horizontal_scroll(page)
    row.get_by_role("link", name=payment_id).click()
    expect(page.locator("body")).to_contain_text("$123.45")
    screenshot(page, "payment-1280")

    page.get_by_role("link", name="Refund…").click()
    page.fill("#id_amount", "2345")
    page.select_option("#id_reason", "requested_by_customer")
    page.get_by_role("button", name="Refund").click()
    page.wait_for_url(re.compile(rf".*/admin/payments/payment/{payment_id}/change/$"))
    expect(page.locator("body")).to_contain_text("of $23.45: succeeded")
    expect(page.locator("body")).to_contain_text("$23.45")
    refund = Refund.objects.get(payment_id=payment_id)
    assert (refund.amount, refund.status) == (2_345, "succeeded")
    assert Payment.objects.get(pk=payment_id).amount_refunded == 2_345

    page.set_viewport_size(PHONE)
    page.goto(f"{app_server.base_url}/admin/")
    assert no_horizontal_scroll(page)
    screenshot(page, "admin-index-390")
    page.goto(f"{app_server.base_url}/admin/payments/payment/{payment_id}/change/")
    assert no_horizontal_scroll(page)
    screenshot(page, "payment-390")
    page.set_viewport_size(DESKTOP)


def test_approve_an_agent_call_from_its_page(page: Page, app_server, staff, no_horizontal_scroll):
    approval = pending_approval(new_merchant().merchant, amount=2_500, approval_above=1_000)
    login_admin(page, app_server, staff)
    page.goto(f"{app_server.base_url}/admin/agents/agentapproval/{approval.id}/change/")
    body = page.locator("body")
    expect(body).to_contain_text("Dry run: what approving would do")
    expect(body).to_contain_text("Verdict: allowed")
    expect(body).to_contain_text("$25.00")
    screenshot(page, "approval-1280")
    page.set_viewport_size(PHONE)
    page.reload()
    assert no_horizontal_scroll(page)
    screenshot(page, "approval-390")
    page.set_viewport_size(DESKTOP)

    page.get_by_role("link", name="Approve…").click()
    page.fill("#id_reason", "checked with the merchant")
    page.get_by_role("button", name="Approve and run").click()
    page.wait_for_url(re.compile(rf".*/admin/agents/agentapproval/{approval.id}/change/$"))
    expect(body).to_contain_text(f"Approved {approval.id}: the call executed.")
    approval = AgentApproval.objects.get(pk=approval.id)
    assert (approval.status, approval.reason) == ("executed", "checked with the merchant")
    assert approval.result["object"] == "transfer"


def test_api_docs_render_offline(page: Page, app_server):
    blocked = block_external(page)
    page.goto(f"{app_server.base_url}/api/v1/docs/")
    operations = page.locator(".opblock")
    expect(page.locator("body")).to_contain_text("/api/v1/agent_approvals/{approval_id}/approve")
    expect(operations.nth(4)).to_be_visible()  # the operations are rendered
    assert blocked == []


def test_root_goes_to_the_dashboard_and_the_welcome_page_links_the_rest(page: Page, app_server):
    page.goto(f"{app_server.base_url}/")
    assert page.url == f"{app_server.base_url}/dashboard/"
    page.goto(f"{app_server.base_url}/welcome/")
    expect(page.get_by_role("link", name=re.compile("Back office"))).to_be_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") != "none"
