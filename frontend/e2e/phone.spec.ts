import { expect, test } from "@playwright/test";
import { join } from "node:path";

import { expectNoHorizontalScroll, login, restGet, restPayment, SCREENSHOTS } from "./helpers";

const MAIN_ROUTES = ["/dashboard/", "/dashboard/payments", "/dashboard/refunds", "/dashboard/customers", "/dashboard/balance", "/dashboard/settings/api-keys", "/dashboard/settings/team", "/dashboard/developers/events"];

test("@phone layout: no horizontal scroll, navigation through the drawer, 44 px tap targets", async ({ page }, info) => {
  await login(page);
  for (const route of MAIN_ROUTES) {
    await page.goto(route);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoHorizontalScroll(page);
  }
  await page.goto("/dashboard/");
  const menu = page.getByRole("button", { name: "Open navigation" });
  const box = (await menu.boundingBox())!;
  expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(44);
  await menu.click();
  const link = page.getByRole("link", { name: "Payments" });
  expect((await link.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await link.click();
  await expect(page).toHaveURL(/\/dashboard\/payments$/);
  await expect(page.getByRole("heading", { name: "Payments" })).toBeVisible();
  if (info.project.name === "phone-390") {
    await page.goto("/dashboard/");
    await page.screenshot({ path: join(SCREENSHOTS, "home-390.png"), fullPage: true });
    await page.goto("/dashboard/payments");
    await expect(page.getByTestId("list-cards")).toBeVisible();
    await page.screenshot({ path: join(SCREENSHOTS, "payments-390.png"), fullPage: true });
  }
});

test("@phone money flow: refund a payment from its page in a full-screen dialog", async ({ page, request }, info) => {
  const payment = await restPayment(request, { amount: 1999 });
  await login(page, undefined, undefined, `/dashboard/payments/${payment.id}`);
  await expect(page.getByTestId("payment-amount")).toHaveText("$19.99");
  await expectNoHorizontalScroll(page);
  const refund = page.getByRole("button", { name: "Refund" });
  expect((await refund.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await refund.click();
  const dialog = page.getByRole("dialog");
  const viewport = page.viewportSize()!;
  const paper = (await dialog.boundingBox())!;
  expect(paper.width).toBe(viewport.width);
  await dialog.getByLabel("Amount (USD)").fill("9.99");
  const primary = dialog.getByRole("button", { name: "Refund" });
  await expect(primary).toBeInViewport();
  await primary.click();
  await expect(page.getByTestId("payment-refunded")).toHaveText("$9.99");
  expect((await restGet(request, `/payments/${payment.id}`)).amount_refunded).toBe(999);
  if (info.project.name === "phone-390") await page.screenshot({ path: join(SCREENSHOTS, "payment-390.png"), fullPage: true });
});
