import { expect, test } from "@playwright/test";

import { login, restGet } from "./helpers";

test("assistant panel: tools over /mcp with the user's JWT, a read tool, a dry run that changes nothing", async ({ page, request }) => {
  await login(page);
  await page.getByRole("button", { name: "Open the assistant" }).click();
  const panel = page.getByRole("region", { name: "Assistant" });
  await expect(panel.getByLabel(/Tool \(\d+ available\)/)).toBeVisible({ timeout: 15000 });

  await panel.getByLabel(/Tool \(/).click();
  await page.getByRole("option", { name: "get_balance", exact: true }).click();
  await panel.getByRole("button", { name: "Run" }).click();
  await expect(panel.getByTestId("tool-result")).toContainText('"object": "balance"');

  const walletsBefore = (await restGet(request, "/wallets")).data.length;
  await panel.getByLabel(/Tool \(/).click();
  await page.getByRole("option", { name: /^create_customer/ }).click();
  await panel.getByLabel(/Tool \(/).click();
  await page.getByRole("option", { name: /^create_wallet/ }).click();
  await expect(panel.getByTestId("tool-form")).toBeVisible();
  expect((await restGet(request, "/wallets")).data.length).toBe(walletsBefore);
});
