import { expect, test } from "@playwright/test";

import { login, merchant, restGet } from "./helpers";

test("customer detail: payment methods and payments of the customer; erasure only with the typed id", async ({
  page,
}) => {
  const headers = { Authorization: `Bearer ${merchant().api_key}` };
  const email = `detail-${Date.now()}@example.com`;
  const created = await page.request.post("/api/v1/customers", {
    headers,
    data: { name: "Ada Detail", email },
  });
  expect(created.status()).toBe(201);
  const customer = (await created.json()).id as string;
  const pm = await page.request.post("/api/v1/payment_methods", {
    headers,
    data: { type: "card", card: { token: "tok_visa" }, customer },
  });
  const card = (await pm.json()).id as string;
  const paid = await page.request.post("/api/v1/payments", {
    headers,
    data: { amount: 2345, currency: "usd", customer, payment_method: card, confirm: true },
  });
  expect(paid.status()).toBe(201);
  const payment = (await paid.json()).id as string;

  await login(
    page,
    undefined,
    undefined,
    `/dashboard/customers?email=${encodeURIComponent(email)}`,
  );
  await page.locator(`.MuiDataGrid-row[data-id="${customer}"]`).getByText("Ada Detail").click();
  await expect(page).toHaveURL(new RegExp(`/dashboard/customers/${customer}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ada Detail");
  await expect(
    page.getByTestId("customer-payment-methods").locator(`[data-id="${card}"]`),
  ).toContainText("visa •••• 4242");
  const row = page.getByTestId("customer-payments").locator(`[data-id="${payment}"]`);
  await expect(row).toContainText("$23.45");
  await expect(row).toContainText("succeeded");
  await expect(page.getByTestId("customer-wallets")).toContainText("None.");

  // A wrong confirmation erases nothing.
  await page.getByRole("button", { name: "Erase" }).click();
  await expect(page).toHaveURL(/dialog=erase/);
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(`Type ${customer} to confirm the erasure`).fill("cus_wrong");
  await dialog.getByRole("button", { name: "Erase" }).click();
  await expect(dialog.getByRole("alert")).toContainText(`Type ${customer} exactly to confirm.`);
  expect(await restGet(page.request, `/customers/${customer}`)).toMatchObject({
    deleted: false,
    email,
  });

  await dialog.getByLabel(`Type ${customer} to confirm the erasure`).fill(customer);
  await dialog.getByRole("button", { name: "Erase" }).click();
  await expect(page.getByTestId("customer-erased")).toBeVisible();
  await expect(page.getByRole("button", { name: "Erase" })).toHaveCount(0);
  const erased = await restGet(page.request, `/customers/${customer}`);
  expect(erased).toMatchObject({ deleted: true });
  expect(erased.email).not.toBe(email);
  // The payment stays, linked from the page.
  await row.getByRole("link", { name: payment }).click();
  await expect(page).toHaveURL(new RegExp(`/dashboard/payments/${payment}$`));
});

test("customer detail: another merchant's (or no) customer shows the 404 page", async ({
  page,
}) => {
  await login(page, undefined, undefined, "/dashboard/customers/cus_doesnotexist");
  await expect(page.getByTestId("not-found")).toBeVisible();
});
