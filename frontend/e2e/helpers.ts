import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { merchantFile } from "./global-setup";

const here = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = join(here, "..", "..", "var", "screenshots");
mkdirSync(SCREENSHOTS, { recursive: true });

export interface Merchant {
  merchant: string;
  api_key: string;
  username: string;
  password: string;
}

/** This worker's merchant (global-setup.ts made one per worker: TEST_PARALLEL_INDEX). */
export function merchant(): Merchant {
  const file = merchantFile(process.env.TEST_PARALLEL_INDEX ?? "0");
  return JSON.parse(readFileSync(file, "utf8")) as Merchant;
}

export async function login(
  page: Page,
  username = merchant().username,
  password = merchant().password,
  path = "/dashboard/",
) {
  await page.goto(path);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** A payment made through the REST API with the merchant's key (as `curl` would). */
export async function restPayment(
  request: APIRequestContext,
  {
    amount,
    currency = "usd",
    capture = "automatic",
    token = "tok_visa",
  }: { amount: number; currency?: string; capture?: string; token?: string },
): Promise<{ id: string; status: string }> {
  const headers = { Authorization: `Bearer ${merchant().api_key}` };
  const pm = await request.post("/api/v1/payment_methods", {
    headers,
    data: { type: "card", card: { token } },
  });
  expect(pm.status()).toBe(201);
  const response = await request.post("/api/v1/payments", {
    headers,
    data: {
      amount,
      currency,
      payment_method: (await pm.json()).id,
      capture_method: capture,
      confirm: true,
    },
  });
  expect(response.status()).toBe(201);
  return response.json();
}

export async function restGet(request: APIRequestContext, path: string) {
  const response = await request.get(`/api/v1${path}`, {
    headers: { Authorization: `Bearer ${merchant().api_key}` },
  });
  expect(response.ok()).toBeTruthy();
  return response.json();
}

/** No element is wider than the viewport (no horizontal scroll). */
export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}
