import { expect, test } from "@playwright/test";
import { join } from "node:path";

import { expectNoHorizontalScroll, login, restGet, restPayment, SCREENSHOTS } from "./helpers";
import { MAIN_ROUTES, objectRoutes, visit } from "./routes";

/** Phones get the navigation drawer and full-screen dialogs; a tablet (768) the desktop layout. */
const PHONE_MAX_WIDTH = 600;

test("@phone @tablet layout: no horizontal scroll on the main routes and object pages, navigation, 44 px tap targets", async ({
  page,
  request,
}, info) => {
  const objects = await objectRoutes(request);
  await login(page);
  for (const route of [...MAIN_ROUTES, ...objects]) {
    await visit(page, route);
    await expectNoHorizontalScroll(page);
  }
  await page.goto("/dashboard/");
  const phone = page.viewportSize()!.width <= PHONE_MAX_WIDTH;
  if (phone) {
    const menu = page.getByRole("button", { name: "Open navigation" });
    const box = (await menu.boundingBox())!;
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(44);
    await menu.click();
  } else {
    await expect(page.getByRole("button", { name: "Open navigation" })).toHaveCount(0);
  }
  const link = page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Payments", exact: true });
  expect((await link.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await link.click();
  await expect(page).toHaveURL(/\/dashboard\/payments$/);
  await expect(page.getByRole("heading", { name: "Payments" })).toBeVisible();
  if (info.project.name === "phone-390") {
    await page.goto("/dashboard/");
    // Home with its figures, not its loading state: the socket's snapshot has arrived.
    await expect(page.getByTestId("live-status")).toHaveText("live: open");
    await expect(page.getByText("Waiting for today's figures…")).toHaveCount(0);
    await page.screenshot({ path: join(SCREENSHOTS, "home-390.png"), fullPage: true });
    await page.goto("/dashboard/payments");
    await expect(page.getByTestId("list-cards")).toBeVisible();
    await page.screenshot({ path: join(SCREENSHOTS, "payments-390.png"), fullPage: true });
  }
});

test("@phone @tablet money flow: refund a payment from its page (a full-screen dialog on phones)", async ({
  page,
  request,
}, info) => {
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
  if (viewport.width <= PHONE_MAX_WIDTH) expect(paper.width).toBe(viewport.width);
  else expect(paper.width).toBeLessThan(viewport.width);
  await dialog.getByLabel("Amount (USD)").fill("9.99");
  const primary = dialog.getByRole("button", { name: "Refund" });
  await expect(primary).toBeInViewport();
  await primary.click();
  await expect(page.getByTestId("payment-refunded")).toHaveText("$9.99");
  expect((await restGet(request, `/payments/${payment.id}`)).amount_refunded).toBe(999);
  if (info.project.name === "phone-390")
    await page.screenshot({ path: join(SCREENSHOTS, "payment-390.png"), fullPage: true });
});
