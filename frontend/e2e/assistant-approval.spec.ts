import { expect, test, type Page } from "@playwright/test";

import { login, merchant, restGet } from "./helpers";

/** A customer with a saved card, made through the REST API with the merchant's key. */
async function customerWithCard(page: Page): Promise<{ customer: string; card: string }> {
  const headers = { Authorization: `Bearer ${merchant().api_key}` };
  const customer = await page.request.post("/api/v1/customers", {
    headers,
    data: { email: `assistant-${Date.now()}@example.com` },
  });
  expect(customer.status()).toBe(201);
  const id = (await customer.json()).id as string;
  const card = await page.request.post("/api/v1/payment_methods", {
    headers,
    data: { type: "card", card: { token: "tok_visa" }, customer: id },
  });
  expect(card.status()).toBe(201);
  return { customer: id, card: (await card.json()).id as string };
}

test("assistant approval: a create_payment above the assistant policy's threshold waits, is approved on the approvals page, and the panel shows it executed live", async ({
  page,
  context,
}) => {
  const { customer, card } = await customerWithCard(page);
  await login(page);

  // The merchant's assistant policy, set on its settings page: approval above 10.00 USD.
  await page.goto("/dashboard/settings/assistant-policy");
  await expect(page.getByRole("heading", { name: "Assistant policy" })).toBeVisible();
  await page.getByLabel("Maximum per call").fill("");
  await page.getByLabel("Approval above").fill("10");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByTestId("policy-state")).toContainText("Saved at");
  await page.reload();
  await expect(page.getByLabel("Approval above")).toHaveValue("10.00");

  // The assistant panel: create_payment of 15.00 USD, dry first, then confirmed.
  await page.getByRole("button", { name: "Open the assistant" }).click();
  const panel = page.getByRole("region", { name: "Assistant" });
  await panel.getByLabel(/Tool \(\d+ available\)/).click();
  await page.getByRole("option", { name: "create_payment · moves money" }).click();
  const form = panel.getByTestId("tool-form");
  await form.getByRole("spinbutton", { name: /^amount/i }).fill("1500");
  await form.getByRole("combobox", { name: /^currency/ }).click();
  await page.getByRole("option", { name: "usd", exact: true }).click();
  await form.getByRole("textbox", { name: /^customer/ }).fill(customer);
  await form.getByRole("textbox", { name: /^payment_method/ }).fill(card);
  await form.getByRole("checkbox", { name: /^confirm/ }).check();
  await panel.getByRole("button", { name: "Dry run" }).click();
  await expect(panel.getByTestId("tool-result")).toContainText("dry run: nothing changed");
  expect((await restGet(page.request, `/payments?customer=${customer}`)).data).toHaveLength(0);

  await panel.getByRole("button", { name: "Confirm and run for real" }).click();
  await expect(panel.getByTestId("pending-approval")).toBeVisible();
  const tracked = panel.getByTestId("assistant-approvals").locator("[data-approval]");
  await expect(tracked).toHaveAttribute("data-status", "pending");
  const approvalId = (await tracked.getAttribute("data-approval"))!;
  expect(approvalId).toMatch(/^appr_/);
  await expect(
    panel.getByTestId("pending-approval").getByRole("link", { name: "approvals page" }),
  ).toHaveAttribute("href", "/dashboard/agents/approvals?status=pending");
  expect((await restGet(page.request, `/payments?customer=${customer}`)).data).toHaveLength(0);

  // Another page of the same browser approves it on the approvals page.
  const approver = await context.newPage();
  await login(approver, undefined, undefined, "/dashboard/agents/approvals?status=pending");
  const row = approver.locator(`.MuiDataGrid-row[data-id="${approvalId}"]`);
  await row.getByRole("button", { name: "Approve" }).click();
  const decided = Date.now();
  await approver.getByRole("dialog").getByRole("button", { name: "Approve" }).click();
  await expect(approver.getByRole("dialog")).toHaveCount(0);

  // The panel, never reloaded, shows the call executed and links the payment.
  await expect(tracked).toHaveAttribute("data-status", "executed", { timeout: 10_000 });
  expect(Date.now() - decided).toBeLessThan(10_000);
  const open = panel.getByRole("link", { name: /^Open pay_/ });
  await expect(open).toContainText("(succeeded)");
  const payments = (await restGet(page.request, `/payments?customer=${customer}`)).data as {
    id: string;
    amount: number;
    status: string;
  }[];
  expect(payments).toHaveLength(1);
  expect(payments[0]).toMatchObject({ amount: 1500, status: "succeeded" });
  await expect(open).toHaveAttribute("href", `/dashboard/payments/${payments[0]!.id}`);
  await open.click();
  await expect(page).toHaveURL(new RegExp(`/dashboard/payments/${payments[0]!.id}$`));
  await approver.close();

  // Leave the merchant's assistant policy empty for the other specs.
  const session = JSON.parse(
    (await page.evaluate(() => sessionStorage.getItem("mcp-payments.session")))!,
  ) as { access: string };
  const reset = await page.request.post("/api/v1/assistant_policy", {
    headers: { Authorization: `Bearer ${session.access}` },
    data: {},
  });
  expect(reset.status()).toBe(200);
});

test("@phone the assistant panel is full screen on a phone, its tool form without horizontal scroll", async ({
  page,
}) => {
  await login(page);
  await page.getByRole("button", { name: "Open the assistant" }).click();
  const panel = page.getByRole("region", { name: "Assistant" });
  await panel.getByLabel(/Tool \(\d+ available\)/).click();
  await page.getByRole("option", { name: "create_payment · moves money" }).click();
  await expect(
    panel.getByTestId("tool-form").getByRole("spinbutton", { name: /^amount/i }),
  ).toBeVisible();
  const box = await panel.evaluate((region) => {
    const paper = region.closest(".MuiDrawer-paper")!;
    const rect = paper.getBoundingClientRect();
    return {
      left: rect.left,
      width: rect.width,
      height: rect.height,
      overflow: paper.scrollWidth - paper.clientWidth,
    };
  });
  const viewport = page.viewportSize()!;
  expect(box).toEqual({ left: 0, width: viewport.width, height: viewport.height, overflow: 0 });
  const close = (await panel.getByRole("button", { name: "Close the assistant" }).boundingBox())!;
  expect(Math.min(close.width, close.height)).toBeGreaterThanOrEqual(44);
  expect(
    (await panel.getByRole("button", { name: "Dry run" }).boundingBox())!.height,
  ).toBeGreaterThanOrEqual(44);
});
