/**
 * Billing with a test clock, through the dashboard: a clock, a product and its price, a
 * subscription for a customer (on the clock, with a card) whose first invoice is paid; the clock
 * advanced a period shows the renewal invoice; a plan change's proration preview equals the
 * upcoming invoice after the change. The customer and its card come through the REST API (the
 * customers page has no test-clock field).
 */
import { expect, test, type Browser, type Page } from "@playwright/test";

import { login, merchant } from "./helpers";

const T0 = "2026-06-01T00:00:00Z";

async function rest(page: Page, method: "GET" | "POST", path: string, data?: unknown) {
  const headers = { Authorization: `Bearer ${merchant().api_key}` };
  const response =
    method === "GET"
      ? await page.request.get(`/api/v1${path}`, { headers })
      : await page.request.post(`/api/v1${path}`, { headers, data });
  expect(response.ok(), `${method} ${path}: ${await response.text()}`).toBeTruthy();
  return response.json();
}

/** A viewer of the merchant (through the team API with the admin's JWT): username and password. */
async function viewer(page: Page) {
  const token = await page.request.post("/api/v1/auth/token", {
    data: { username: merchant().username, password: merchant().password },
  });
  const headers = { Authorization: `Bearer ${(await token.json()).access}` };
  const username = `billingviewer${Date.now()}`;
  const member = await page.request.post("/api/v1/team/members", {
    headers,
    data: { username, role: "viewer" },
  });
  expect(member.status()).toBe(201);
  return { username, password: (await member.json()).password as string };
}

async function viewerSeesNoActions(browser: Browser, page: Page, subscriptionPath: string) {
  const { username, password } = await viewer(page);
  const other = await browser.newPage();
  await login(other, username, password, subscriptionPath);
  await expect(other.getByTestId("subscription-plan")).toHaveText("$25.00 / month");
  await expect(
    other.getByRole("button", { name: /Change plan|Pause|Cancel subscription/ }),
  ).toHaveCount(0);
  await other.getByRole("tab", { name: "Invoices" }).click();
  await other.getByTestId("subscription-invoices").getByRole("link").first().click();
  await expect(other.getByTestId("invoice-status")).toHaveText("paid");
  await expect(other.getByRole("button", { name: /Pay|Void|uncollectible/ })).toHaveCount(0);
  await other.getByRole("link", { name: "Products", exact: true }).click();
  await expect(other.getByRole("heading", { name: "Products" })).toBeVisible();
  await expect(other.getByRole("button", { name: /New product|Add price/ })).toHaveCount(0);
  await other.close();
}

/** Fill a dialog's fields (by label) and press its submit button. */
async function submitDialog(page: Page, button: string, fields: Record<string, string>) {
  const dialog = page.getByRole("dialog");
  for (const [label, value] of Object.entries(fields))
    await dialog.getByLabel(label, { exact: true }).fill(value);
  await dialog.getByRole("button", { name: button }).click();
  await expect(dialog).toHaveCount(0);
}

test("billing with a test clock: subscribe, renew a period, change plan with a preview equal to the upcoming invoice", async ({
  page,
  browser,
}) => {
  const tag = `e2e-${Date.now()}`;
  await login(page);

  // A test clock, from its page.
  await page.getByRole("link", { name: "Test clocks" }).click();
  await page.getByRole("button", { name: "New test clock" }).click();
  await submitDialog(page, "New test clock", { Name: tag, "Frozen time (RFC 3339, UTC)": T0 });
  const clockRow = page.locator(".MuiDataGrid-row").filter({ hasText: tag });
  await expect(clockRow).toContainText("2026-06-01 00:00:00");
  const clock = (await rest(page, "GET", "/test_clocks?limit=100")).data.find(
    (c: { name: string }) => c.name === tag,
  );

  // A product and its monthly price, from the products page.
  await page.goto("/dashboard/billing/products");
  await page.getByRole("button", { name: "New product" }).click();
  await submitDialog(page, "New product", { Name: `Basic ${tag}` });
  const productRow = page.locator(".MuiDataGrid-row").filter({ hasText: `Basic ${tag}` });
  await productRow.getByRole("button", { name: "Add price" }).click();
  await submitDialog(page, "Add price", { "Unit amount": "15" });
  await expect(productRow).toContainText("$15.00 / month");
  const product = (await rest(page, "GET", "/products?limit=100")).data.find(
    (p: { name: string }) => p.name === `Basic ${tag}`,
  );
  const basic = (await rest(page, "GET", `/prices?product=${product.id}`)).data[0];

  // A customer on the clock with a card (REST), and the subscription from the dashboard.
  const customer = await rest(page, "POST", "/customers", {
    email: `${tag}@example.com`,
    test_clock: clock.id,
  });
  const card = await rest(page, "POST", "/payment_methods", {
    type: "card",
    card: { token: "tok_visa" },
    customer: customer.id,
  });
  await page.getByRole("link", { name: "Subscriptions", exact: true }).click();
  await page.getByRole("button", { name: "New subscription" }).click();
  await submitDialog(page, "New subscription", {
    "Customer id": customer.id,
    "Price id": basic.id,
    "Payment method id": card.id,
  });
  await page.goto(`/dashboard/billing/subscriptions?customer=${customer.id}`);
  const subscriptionRow = page.locator(".MuiDataGrid-row").filter({ hasText: customer.id });
  await expect(subscriptionRow).toContainText("$15.00 / month");
  // Live events (invoice.paid, subscription.updated) refresh the list: a click landing while the
  // row re-renders can be lost, so click until the detail page opens.
  await expect(async () => {
    await subscriptionRow.click();
    await expect(page).toHaveURL(/\/billing\/subscriptions\/sub_/, { timeout: 2000 });
  }).toPass();
  await expect(page.getByTestId("subscription-status")).toHaveText("active");
  await expect(page.getByTestId("subscription-plan")).toHaveText("$15.00 / month");
  await page.getByRole("tab", { name: "Invoices" }).click();
  const invoices = page.getByTestId("subscription-invoices");
  await expect(invoices.locator("[data-reason=subscription_create]")).toContainText("paid");
  await expect(invoices.locator("[data-reason=subscription_create]")).toContainText("$15.00");
  const subscriptionUrl = page.url().split("?")[0];

  // Advance the clock one period (the dialog suggests one month later): the renewal invoice.
  await page.goto("/dashboard/billing/test-clocks");
  await clockRow.getByRole("button", { name: "Advance" }).click();
  await expect(page.getByRole("dialog").getByLabel("Advance to (RFC 3339, UTC)")).toHaveValue(
    "2026-07-01T00:00:00Z",
  );
  await submitDialog(page, "Advance", {});
  await expect(clockRow).toContainText("ready");
  await expect(clockRow).toContainText("2026-07-01 00:00:00");
  await page.goto(`${subscriptionUrl}?tab=invoices`);
  const renewal = page
    .getByTestId("subscription-invoices")
    .locator("[data-reason=subscription_cycle]");
  await expect(renewal).toContainText("2026-07-01 → 2026-08-01");
  await expect(renewal).toContainText("paid");
  await expect(renewal).toContainText("$15.00");

  // Change plan to $25.00 a month at the period's start: −$15.00 credit, +$25.00 charge, and the
  // next invoice (those prorations and the $25.00 renewal) is $35.00 — the upcoming invoice after.
  const premium = await rest(page, "POST", "/prices", {
    product: product.id,
    currency: "usd",
    unit_amount: 2500,
    recurring: { interval: "month" },
    nickname: "Premium",
  });
  await page.getByRole("button", { name: "Change plan" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("New price").click();
  await page.getByRole("option", { name: /Premium/ }).click();
  await expect(dialog.getByTestId("preview-net")).toHaveText("$10.00");
  await expect(dialog.getByTestId("preview-total")).toHaveText("$35.00");
  const previewed = await dialog.getByTestId("preview-total").textContent();
  await dialog.getByRole("button", { name: "Change plan" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("subscription-plan")).toHaveText("$25.00 / month");
  await page.getByRole("tab", { name: "Upcoming invoice" }).click();
  await expect(page.getByTestId("upcoming-total")).toHaveText(previewed!);
  const upcoming = await rest(
    page,
    "GET",
    `/invoices/upcoming?subscription=${subscriptionUrl.split("/").pop()}`,
  );
  expect(upcoming.total).toBe(3500);
  expect(
    (await rest(page, "GET", `/subscriptions/${upcoming.subscription}`)).items.data[0].price.id,
  ).toBe(premium.id);

  // A viewer sees the same pages without any action.
  await viewerSeesNoActions(browser, page, new URL(subscriptionUrl).pathname);
});
