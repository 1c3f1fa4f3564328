import { expect, test } from "@playwright/test";

import { login, restGet } from "./helpers";

test("assistant panel: tools over /mcp with the user's JWT, a read tool, a dry run that changes nothing", async ({
  page,
  request,
}) => {
  await login(page);
  await page.getByRole("button", { name: "Open the assistant" }).click();
  const panel = page.getByRole("region", { name: "Assistant" });
  await expect(panel.getByLabel(/Tool \(\d+ available\)/)).toBeVisible({ timeout: 15000 });

  await panel.getByLabel(/Tool \(/).click();
  await page.getByRole("option", { name: "get_balance", exact: true }).click();
  await panel.getByRole("button", { name: "Run" }).click();
  await expect(panel.getByTestId("tool-result")).toContainText('"object": "balance"');

  // A money-moving tool runs dry first: the result is shown, nothing is created.
  const payoutsBefore = (await restGet(request, "/payouts")).data.length;
  await panel.getByLabel(/Tool \(/).click();
  await page.getByRole("option", { name: "create_payout · moves money" }).click();
  await expect(panel.getByLabel("Dry run first (recommended)")).toBeChecked();
  await panel
    .getByTestId("tool-form")
    .getByRole("spinbutton", { name: /amount/i })
    .fill("500");
  await panel.getByTestId("tool-form").getByRole("combobox", { name: "currency" }).click();
  await page.getByRole("option", { name: "usd", exact: true }).click();
  await panel
    .getByTestId("tool-form")
    .getByRole("textbox", { name: /^destination/i })
    .fill("btok_us_verified");
  await panel.getByRole("button", { name: "Dry run" }).click();
  await expect(panel.getByTestId("tool-result")).toBeVisible();
  await expect(panel.getByTestId("tool-result")).toContainText(/dry run|error/);
  expect((await restGet(request, "/payouts")).data.length).toBe(payoutsBefore);
});
