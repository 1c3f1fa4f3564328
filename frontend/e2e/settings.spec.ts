import { expect, test } from "@playwright/test";

import { login, merchant, restPayment } from "./helpers";

test("an API key with an agent policy: secret shown once, policy stored, revocable", async ({
  page,
}) => {
  await login(page);
  await page.goto("/dashboard/settings/api-keys");
  await page.getByRole("button", { name: "Create key" }).first().click();
  await page.getByLabel("Name").fill("e2e agent");
  await page.getByLabel("Maximum per call").fill("100");
  await page.getByLabel("Approval above").fill("25.50");
  await page.getByLabel("Daily limit per currency").fill("usd=500");
  await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
  const secret = await page.getByTestId("secret").textContent();
  expect(secret).toMatch(/^sk_test_/);
  await page.getByRole("button", { name: "Done" }).click();
  const row = page.locator(".MuiDataGrid-row").filter({ hasText: "e2e agent" });
  await expect(row).toContainText("max 10000, approval > 2550");
  await expect(page.getByText(secret!)).toHaveCount(0);
  // The stored key works with its scopes.
  const listed = await page.request.get("/api/v1/payments", {
    headers: { Authorization: `Bearer ${secret}` },
  });
  expect(listed.status()).toBe(200);
  // "Would this call pass?" for 30.00 USD: above the approval threshold.
  await page.getByRole("button", { name: "Check e2e agent" }).click();
  await page.getByLabel("Amount", { exact: true }).fill("30");
  await page.getByRole("button", { name: "Would this call pass?" }).click();
  await expect(page.getByTestId("policy-verdict")).toContainText(/approval/);
  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(row).not.toContainText("—", { timeout: 5000 });
});

test("team: add a viewer, who sees no actions; the last admin stays", async ({
  page,
  browser,
  request,
}) => {
  const payment = await restPayment(request, { amount: 700 });
  await login(page);
  await page.goto("/dashboard/settings/team?dialog=create");
  const username = `viewer${Date.now()}`;
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Role").click();
  await page.getByRole("option", { name: "viewer" }).click();
  await page.getByRole("button", { name: "Add member" }).last().click();
  const password = (await page.getByTestId("member-password").locator("code").textContent())!;
  // Demoting the only admin is refused with the API's 409.
  const adminRow = page.locator(".MuiDataGrid-row").filter({ hasText: merchant().username });
  await adminRow.getByRole("button", { name: "Change role" }).click();
  await page.getByRole("dialog").getByLabel("Role").click();
  await page.getByRole("option", { name: "finance" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Change role" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText("409 · last_admin");

  const viewer = await browser.newPage();
  await login(viewer, username, password, `/dashboard/payments/${payment.id}`);
  await expect(viewer.getByTestId("payment-amount")).toHaveText("$7.00");
  await expect(viewer.getByRole("button", { name: "Refund" })).toHaveCount(0);
  await expect(viewer.getByRole("link", { name: "API keys" })).toHaveCount(0);
  // Tried anyway (a deep link to the dialog): the API's 403 envelope is shown.
  await viewer.goto("/dashboard/settings/team");
  await expect(viewer.getByRole("alert")).toContainText("403");
  await viewer.close();
});

test("webhooks: an endpoint is created with its secret shown once", async ({ page }) => {
  await login(page);
  await page.goto("/dashboard/settings/webhooks");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await page.getByLabel("URL").fill("http://127.0.0.1:9/hooks");
  await page.getByRole("dialog").getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByTestId("webhook-secret")).toContainText("whsec_");
  await expect(page.getByRole("gridcell", { name: "http://127.0.0.1:9/hooks" })).toBeVisible();
});
