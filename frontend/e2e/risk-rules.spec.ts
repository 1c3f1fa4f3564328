import { expect, test } from "@playwright/test";

import { login, restGet } from "./helpers";

test("risk rules: a bad expression is refused on its field; create, disable, backtest and delete a rule", async ({
  page,
}) => {
  await login(page, undefined, undefined, "/dashboard/risk/rules");
  await expect(page.getByRole("heading", { name: "Risk rules" })).toBeVisible();
  const name = `Large foreign ${Date.now()}`;
  await page.getByRole("button", { name: "New rule" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Expression").fill("amount > 100000 and password == 'x'");
  await dialog.getByLabel("Action").click();
  await page.getByRole("option", { name: "block" }).click();
  await dialog.getByRole("button", { name: "New rule" }).click();
  await expect(dialog.getByRole("alert")).toContainText("invalid_rule_expression");
  await expect(
    dialog.getByText(/Unknown attribute 'password'.*\(invalid_rule_expression\)/),
  ).toBeVisible();
  const before = (await restGet(page.request, "/risk/rules")).data as { name: string }[];
  expect(before.filter((rule) => rule.name === name)).toHaveLength(0);

  await dialog.getByLabel("Expression").fill("amount > 100000 and card_country != 'us'");
  await dialog.getByRole("button", { name: "New rule" }).click();
  await expect(dialog).toHaveCount(0);
  const row = page.locator(".MuiDataGrid-row").filter({ hasText: name });
  await expect(row).toContainText("amount > 100000 and card_country != 'us'");
  await expect(row).toContainText("block");
  const stored = (
    (await restGet(page.request, "/risk/rules")).data as {
      id: string;
      name: string;
      enabled: boolean;
      action: string;
    }[]
  ).find((rule) => rule.name === name)!;
  expect(stored).toMatchObject({ action: "block", enabled: true });

  await row.getByRole("button", { name: "Edit" }).click();
  await expect(dialog.getByLabel("Expression")).toHaveValue(
    "amount > 100000 and card_country != 'us'",
  );
  await dialog.getByLabel("Enabled").click();
  await page.getByRole("option", { name: "false" }).click();
  await dialog.getByRole("button", { name: "Edit" }).click();
  await expect(dialog).toHaveCount(0);
  expect(await restGet(page.request, `/risk/rules/${stored.id}`)).toMatchObject({
    enabled: false,
    action: "block",
    name,
  });

  await row.getByRole("button", { name: "Backtest" }).click();
  await dialog.getByRole("button", { name: "Backtest" }).click();
  await expect(page.getByTestId("rule-backtest")).toContainText(`Backtest of ${stored.id} (block)`);

  await row.getByRole("button", { name: "Delete" }).click();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(row).toHaveCount(0);
  const after = (await restGet(page.request, "/risk/rules")).data as { id: string }[];
  expect(after.map((rule) => rule.id)).not.toContain(stored.id);
});
