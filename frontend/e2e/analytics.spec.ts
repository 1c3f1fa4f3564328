/**
 * Analytics and reports against the real stack: home's tiles equal `/analytics/summary` for
 * today (exact integers) and the gross-volume chart renders; the report builder end to end —
 * client-side validation, live preview, save, run, CSV download (header and rows), schedule.
 */
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";

import { login, merchant, restGet } from "./helpers";

const headers = () => ({ Authorization: `Bearer ${merchant().api_key}` });

async function createCustomer(request: APIRequestContext, name: string): Promise<string> {
  const response = await request.post("/api/v1/customers", { headers: headers(), data: { name } });
  expect(response.status()).toBe(201);
  return (await response.json()).id;
}

/** A card payment of one customer through the REST API (automatic capture). */
async function customerPayment(
  request: APIRequestContext,
  customer: string,
  amount: number,
  currency: string,
) {
  const pm = await request.post("/api/v1/payment_methods", {
    headers: headers(),
    data: { type: "card", card: { token: "tok_visa" }, customer },
  });
  expect(pm.status()).toBe(201);
  const response = await request.post("/api/v1/payments", {
    headers: headers(),
    data: { amount, currency, customer, payment_method: (await pm.json()).id, confirm: true },
  });
  expect(response.status()).toBe(201);
  expect((await response.json()).status).toBe("succeeded");
}

function utcDay(offset = 0): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset))
    .toISOString()
    .slice(0, 10);
}

const TILES: [string, string][] = [
  ["gross", "gross_volume"],
  ["net", "net_volume"],
  ["count", "successful_payment_count"],
  ["rate", "authorization_rate_bps"],
  ["refund-rate", "refund_rate_bps"],
  ["dispute-rate", "dispute_rate_bps"],
];

/** Every tile's integer (`data-value`) as the page shows it, keyed like the summary. */
async function shownTiles(page: Page, currencies: string[]) {
  const shown: Record<string, string | null> = {};
  for (const currency of currencies) {
    for (const [tile, metric] of TILES) {
      shown[`${currency}.${metric}`] = await page
        .getByTestId(`tile-${tile}-${currency}`)
        .getAttribute("data-value", { timeout: 2000 })
        .catch(() => null);
    }
  }
  shown.new_customers = await page.getByTestId("tile-new-customers").getAttribute("data-value");
  return shown;
}

test("home tiles equal /analytics/summary for today and the gross-volume chart renders", async ({
  page,
  request,
}) => {
  const customer = await createCustomer(request, "Home tiles");
  await customerPayment(request, customer, 4321, "usd");
  await customerPayment(request, customer, 1500, "eur");
  await login(page);
  await expect(page.getByTestId("live-status")).toHaveText("live: open");

  // The rollups and the socket are eventually consistent: poll until the page and a fresh
  // summary agree on every tile, the payments above included.
  const query = `/analytics/summary?from=${utcDay()}&to=${utcDay(1)}&timezone=UTC&compare=previous_period`;
  let summary: {
    currencies: Record<string, Record<string, number | null>>;
    new_customers: number;
    comparison: { from: string };
  } | null = null;
  await expect
    .poll(
      async () => {
        summary = await restGet(request, query);
        const currencies = Object.keys(summary!.currencies).sort();
        const expected: Record<string, string | null> = {
          new_customers: String(summary!.new_customers),
        };
        for (const currency of currencies) {
          for (const [, metric] of TILES)
            expected[`${currency}.${metric}`] = String(
              summary!.currencies[currency]![metric] ?? "",
            );
        }
        const shown = await shownTiles(page, currencies);
        const same =
          Object.keys(expected).length === Object.keys(shown).length &&
          Object.entries(expected).every(([key, value]) => shown[key] === value);
        return {
          matches: same,
          hasPayments:
            (summary!.currencies.usd?.successful_payment_count ?? 0) >= 1 &&
            (summary!.currencies.eur?.successful_payment_count ?? 0) >= 1,
        };
      },
      { timeout: 15_000, intervals: [250, 500, 1000] },
    )
    .toEqual({ matches: true, hasPayments: true });

  // The displayed text is the exact decimal of the integer, and each tile compares with yesterday.
  const usd = summary!.currencies.usd!;
  const gross = usd.gross_volume!;
  await expect(page.getByTestId("tile-gross-usd")).toHaveText(
    `$${Math.trunc(gross / 100).toLocaleString("en-US")}.${String(gross % 100).padStart(2, "0")}`,
  );
  await expect(page.getByTestId("tile-count-usd")).toHaveText(String(usd.successful_payment_count));
  expect(summary!.comparison.from.slice(0, 10)).toBe(utcDay(-1));
  await expect(page.getByTestId("tile-gross-usd-change")).toContainText("vs yesterday");

  // The gross-volume chart (lazy recharts) draws one line per currency.
  await expect(
    page.getByTestId("gross-volume-chart-usd").locator(".recharts-line-curve"),
  ).toBeVisible();
  await expect(
    page.getByTestId("gross-volume-chart-eur").locator(".recharts-line-curve"),
  ).toBeVisible();
});

async function choose(page: Page, label: string, option: string) {
  await page.getByRole("combobox", { name: label }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

test("report builder: validate, preview, save, run, download the CSV, schedule", async ({
  page,
  request,
}) => {
  const customer = await createCustomer(request, "Report builder");
  await customerPayment(request, customer, 1234, "usd");
  await customerPayment(request, customer, 5005, "usd");
  await customerPayment(request, customer, 700, "eur");
  await login(page);
  await page.goto("/dashboard/reports/new");

  // Client-side validation with the server's rule: a money metric needs a currency dimension.
  await page.getByLabel("Name").fill("Volume of one customer");
  await page.getByRole("checkbox", { name: "Currency" }).uncheck();
  await expect(page.getByTestId("definition-errors")).toContainText(
    "dimensions: Money metrics need a currency dimension or a currency eq filter.",
  );
  await expect(page.getByRole("button", { name: "Save report" })).toBeDisabled();
  await page.getByRole("checkbox", { name: "Currency" }).check();

  // Totals per currency of this customer's payments, sorted by currency.
  await choose(page, "Grain", "No grain (totals)");
  await page.getByRole("button", { name: "Add filter" }).click();
  await choose(page, "Filter 1 field", "customer");
  await page.getByLabel("Filter 1 value").fill(customer);
  await choose(page, "Sort by", "currency");
  await expect(page).toHaveURL(/definition=/);

  // The live preview: table and chart, amounts exact.
  const preview = page.getByTestId("preview-table");
  await expect(preview.locator("tbody tr")).toHaveCount(2);
  await expect(preview.locator("tbody tr").nth(0)).toHaveText(/eur.*1.*€7\.00.*7\.00/);
  await expect(preview.locator("tbody tr").nth(1)).toHaveText(/usd.*2.*\$62\.39.*62\.39/);
  await expect(page.getByTestId("preview-chart").locator(".recharts-bar-rectangle")).toHaveCount(2);

  // Save, run, and the run's rows.
  await page.getByRole("button", { name: "Save report" }).click();
  await expect(page).toHaveURL(/\/reports\/rpt_[^/?]+$/);
  const reportId = page.url().split("/").pop()!;
  await page.getByRole("button", { name: "Run report" }).click();
  await expect(page).toHaveURL(/\?run=rr_/);
  await expect(page.getByTestId("run-row-count")).toHaveText("2 rows");
  await expect(page.getByTestId("run-table").locator("tbody tr")).toHaveCount(2);

  // Download the CSV: RFC 4180 with CRLF, integer amounts, exact decimals and the currency.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^rr_.+\.csv$/);
  const csv = readFileSync((await download.path())!, "utf8");
  expect(csv).toBe(
    "currency,count,gross_volume,gross_volume_decimal\r\neur,1,700,7.00\r\nusd,2,6239,62.39\r\n",
  );

  // Schedule weekly on Wednesdays at 07:00 UTC.
  await choose(page, "Frequency", "weekly");
  await choose(page, "Hour", "7");
  await choose(page, "Day of week", "Wednesday");
  await page.getByRole("button", { name: "Save schedule" }).click();
  await expect(page.getByTestId("schedule-current")).toContainText(
    "weekly at 07:00 UTC on Wednesday",
  );
  const saved = await restGet(request, `/reports/${reportId}`);
  expect(saved.schedule).toMatchObject({
    frequency: "weekly",
    hour: 7,
    day_of_week: 2,
    timezone: "UTC",
  });
  expect(saved.definition.filters).toEqual([{ field: "customer", op: "eq", value: customer }]);
});
