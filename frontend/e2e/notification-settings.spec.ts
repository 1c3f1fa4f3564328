import { expect, test, type Page } from "@playwright/test";

import { login } from "./helpers";

async function storedPreferences(page: Page) {
  const session = JSON.parse(
    (await page.evaluate(() => sessionStorage.getItem("mcp-payments.session")))!,
  ) as { access: string };
  const response = await page.request.get("/api/v1/notification_preferences", {
    headers: { Authorization: `Bearer ${session.access}` },
  });
  expect(response.status()).toBe(200);
  return (await response.json()) as { phone: string | null; channels: Record<string, string[]> };
}

test("notification preferences: SMS needs a phone, a bad phone is refused on its field, a good one is saved", async ({
  page,
}) => {
  await login(page, undefined, undefined, "/dashboard/settings/notifications");
  await expect(page.getByRole("heading", { name: "Notification preferences" })).toBeVisible();
  const before = await storedPreferences(page);
  const kind = Object.keys(before.channels).sort()[0]!;
  const sms = page.getByLabel(`${kind} by SMS`);
  await expect(sms).not.toBeChecked();
  await sms.check();
  await expect(page.getByTestId("preferences-state")).toHaveText("Unsaved changes");
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByText(`Add a phone number to receive ${kind} by SMS.`)).toBeVisible();
  expect(await storedPreferences(page)).toEqual(before);

  await page.getByLabel("Phone for SMS (E.164)").fill("12345");
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(
    page.getByText("phone must be an E.164 number such as +14155550123.").first(),
  ).toBeVisible();
  expect(await storedPreferences(page)).toEqual(before);

  await page.getByLabel("Phone for SMS (E.164)").fill("+14155550123");
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByTestId("preferences-state")).toContainText("Saved at");
  const after = await storedPreferences(page);
  expect(after.phone).toBe("+14155550123");
  expect(after.channels[kind]).toContain("sms");
  await page.reload();
  await expect(page.getByLabel(`${kind} by SMS`)).toBeChecked();
});
