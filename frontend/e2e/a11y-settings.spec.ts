import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";

import { expectNoHorizontalScroll, login, merchant } from "./helpers";

test("axe: no serious or critical violations on the assistant policy, notification preferences, risk rules and customer pages, nor in the open assistant panel", async ({
  page,
}) => {
  const created = await page.request.post("/api/v1/customers", {
    headers: { Authorization: `Bearer ${merchant().api_key}` },
    data: { name: "Axe Customer", email: `axe-${Date.now()}@example.com` },
  });
  const customer = (await created.json()).id as string;
  await login(page);
  const routes = [
    "/dashboard/settings/assistant-policy",
    "/dashboard/settings/notifications",
    "/dashboard/risk/rules",
    `/dashboard/customers/${customer}`,
  ];
  for (const route of routes) {
    await page.goto(route);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("progressbar")).toHaveCount(0);
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(bad.map((v) => `${route}: ${v.id} (${v.nodes.length})`)).toEqual([]);
  }
  await page.getByRole("button", { name: "Open the assistant" }).click();
  const panel = page.getByRole("region", { name: "Assistant" });
  await expect(panel.getByLabel(/Tool \(\d+ available\)/)).toBeVisible();
  const results = await new AxeBuilder({ page }).include('[aria-label="Assistant"]').analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `assistant panel: ${v.id} (${v.nodes.length})`)).toEqual([]);
});

test("@phone @tablet no horizontal scroll on the assistant policy, notification preferences, risk rules and customer pages", async ({
  page,
}) => {
  const created = await page.request.post("/api/v1/customers", {
    headers: { Authorization: `Bearer ${merchant().api_key}` },
    data: { name: "Phone Customer", email: `phone-${Date.now()}@example.com` },
  });
  const customer = (await created.json()).id as string;
  await login(page);
  for (const route of [
    "/dashboard/settings/assistant-policy",
    "/dashboard/settings/notifications",
    "/dashboard/risk/rules",
    `/dashboard/customers/${customer}`,
  ]) {
    await page.goto(route);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("progressbar")).toHaveCount(0);
    await expectNoHorizontalScroll(page);
  }
});
