import { expect, test } from "@playwright/test";
import { join } from "node:path";

import { login, restGet, restPayment, SCREENSHOTS } from "./helpers";

test("home tiles and live feed move when a payment is made through the REST API", async ({
  page,
  request,
}) => {
  await login(page);
  await expect(page.getByTestId("live-status")).toHaveText("live: open");
  const before = await page
    .getByTestId("tile-count-usd")
    .textContent({ timeout: 1000 })
    .catch(() => null);
  const payment = await restPayment(request, { amount: 2500 });
  // Within 5 s, no reload: the feed shows it and the USD tiles count it.
  await expect(page.getByTestId("live-feed").getByText(payment.id).first()).toBeVisible({
    timeout: 5000,
  });
  await expect(page.getByTestId("tile-count-usd")).toHaveText(String(Number(before ?? 0) + 1), {
    timeout: 5000,
  });
  await expect(page.getByTestId("tile-gross-usd")).not.toHaveText("$0.00");
  await page.screenshot({ path: join(SCREENSHOTS, "home-1280.png"), fullPage: true });
});

test("payments: URL filters, cursor paging, partial capture, refund parsing, a decline's 402", async ({
  page,
  request,
}) => {
  const manual = await restPayment(request, { amount: 5000, capture: "manual" });
  await restPayment(request, { amount: 1200 });
  await restPayment(request, { amount: 1300 });
  await restPayment(request, { amount: 1400 });
  await login(page);

  // Filters and the cursor live in the URL.
  await page.goto("/dashboard/payments?status=succeeded&limit=2");
  await expect(page.locator(".MuiDataGrid-row")).toHaveCount(2);
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page).toHaveURL(/status=succeeded&limit=2&back=-&after=pay_/);
  await expect(page.getByRole("button", { name: "Previous" })).toBeEnabled();
  await page.getByRole("button", { name: "Previous" }).click();
  await expect(page).toHaveURL(/\/payments\?status=succeeded&limit=2$/);
  await page.goto("/dashboard/payments?status=requires_capture");
  await expect(page.getByRole("gridcell", { name: manual.id })).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, "payments-1280.png"), fullPage: true });

  // Partial capture of 50.00 USD typed as "10.5" → 1050 captured.
  await page.getByRole("gridcell", { name: manual.id }).click();
  await expect(page).toHaveURL(new RegExp(`/payments/${manual.id}$`));
  await page.getByRole("button", { name: "Capture", exact: true }).click();
  await expect(page).toHaveURL(/dialog=capture/);
  await page.getByLabel("Amount to capture (USD)").fill("10.5");
  await page.getByRole("dialog").getByRole("button", { name: "Capture" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
  const captured = await restGet(request, `/payments/${manual.id}`);
  expect([captured.status, captured.amount_received]).toEqual(["succeeded", 1050]);

  // Refund parsing: three decimals refused before sending; "2.25" → 225.
  await page.getByRole("button", { name: "Refund" }).click();
  await page.getByLabel("Amount (USD)").fill("2.255");
  await page.getByRole("dialog").getByRole("button", { name: "Refund" }).click();
  await expect(page.getByText("USD has at most 2 decimals.")).toBeVisible();
  await page.getByLabel("Amount (USD)").fill("2.25");
  await page.getByRole("dialog").getByRole("button", { name: "Refund" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect(page.getByTestId("payment-refunded")).toHaveText("$2.25");
  expect((await restGet(request, `/payments/${manual.id}`)).amount_refunded).toBe(225);
  // Over-refund: the API's error lands on the amount field with its code.
  await page.getByRole("button", { name: "Refund" }).click();
  await page.getByLabel("Amount (USD)").fill("100");
  await page.getByRole("dialog").getByRole("button", { name: "Refund" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText("400");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("tab", { name: "Ledger" }).click();
  await expect(page.getByTestId("ledger")).toContainText("$10.50");
  await page.getByRole("tab", { name: "Raw JSON" }).click();
  await expect(page.getByLabel("Raw JSON")).toContainText(`"id": "${manual.id}"`);
  await page.screenshot({ path: join(SCREENSHOTS, "payment-1280.png"), fullPage: true });

  // A decline: the 402 envelope is shown with its code.
  await page.goto("/dashboard/payments?dialog=new");
  await page.getByLabel("Amount", { exact: true }).fill("12.34");
  await page.getByRole("combobox", { name: "Sandbox card" }).click();
  await page.getByRole("option", { name: "tok chargeDeclinedInsufficientFunds" }).click();
  await page.getByRole("button", { name: "Create payment" }).click();
  const alert = page.getByRole("dialog").getByRole("alert");
  await expect(alert).toContainText("402 · card_declined");
});
