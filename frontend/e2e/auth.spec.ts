import { expect, test } from "@playwright/test";

import { login, merchant } from "./helpers";

test("login, deep link returns after login, refresh once on 401", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/dashboard\/login\?next=%2F$/);
  await page.getByLabel("Username").fill(merchant().username);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("Invalid username, password or token.");

  await login(page, merchant().username, merchant().password, "/dashboard/settings/team");
  await expect(page).toHaveURL(/\/dashboard\/settings\/team$/);
  await expect(page.getByRole("heading", { name: "Team" })).toBeVisible();
  await expect(page.getByText(merchant().username).first()).toBeVisible();

  // An expired/invalid access token: the client refreshes once and the page still loads.
  await page.evaluate(() => {
    const key = "mcp-payments.session";
    const session = JSON.parse(sessionStorage.getItem(key)!);
    sessionStorage.setItem(key, JSON.stringify({ ...session, access: "expired.token.value" }));
  });
  const refreshed = page.waitForResponse(
    (r) => r.url().endsWith("/api/v1/auth/token/refresh") && r.status() === 200,
  );
  await page.reload();
  await refreshed;
  await expect(page.getByRole("gridcell", { name: merchant().username })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/dashboard\/login/);
});

test("another merchant's payment shows the 404 page", async ({ page }) => {
  await login(page);
  await page.goto("/dashboard/payments/pay_0000000000000000000000000000");
  await expect(page.getByTestId("not-found")).toBeVisible();
});
