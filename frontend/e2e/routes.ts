/**
 * The dashboard's main routes, for the layout (phone.spec.ts) and axe (quality.spec.ts) checks,
 * each with its page's h1, and the object pages made for the run (a wallet, a dispute, a
 * regulatory report) through the REST API with the merchant's key.
 */
import { expect, type APIRequestContext, type Page } from "@playwright/test";

import { merchant, restPayment } from "./helpers";

export interface Route {
  path: string;
  heading: string | RegExp;
}

export const MAIN_ROUTES: Route[] = [
  { path: "/dashboard/", heading: "Today" },
  { path: "/dashboard/payments", heading: "Payments" },
  { path: "/dashboard/refunds", heading: "Refunds" },
  { path: "/dashboard/disputes", heading: "Disputes" },
  { path: "/dashboard/customers", heading: "Customers" },
  { path: "/dashboard/balance", heading: "Balance & payouts" },
  { path: "/dashboard/wallets", heading: "Wallets" },
  { path: "/dashboard/transfers", heading: "Transfers" },
  { path: "/dashboard/billing/subscriptions", heading: "Subscriptions" },
  { path: "/dashboard/billing/invoices", heading: "Invoices" },
  { path: "/dashboard/billing/products", heading: "Products" },
  { path: "/dashboard/billing/coupons", heading: "Coupons" },
  { path: "/dashboard/billing/test-clocks", heading: "Test clocks" },
  { path: "/dashboard/analytics/revenue", heading: "Revenue" },
  { path: "/dashboard/analytics/customers", heading: "Customers" },
  { path: "/dashboard/analytics/subscriptions", heading: "Subscriptions" },
  { path: "/dashboard/analytics/fraud", heading: "Fraud" },
  { path: "/dashboard/reports", heading: "Reports" },
  { path: "/dashboard/reports/new", heading: "New report" },
  { path: "/dashboard/compliance/alerts", heading: "AML alerts" },
  { path: "/dashboard/compliance/audit", heading: "Audit log" },
  { path: "/dashboard/compliance/reports", heading: "Regulatory reports" },
  { path: "/dashboard/settings/api-keys", heading: "API keys" },
  { path: "/dashboard/settings/team", heading: "Team" },
  { path: "/dashboard/developers/events", heading: "Events" },
];

const auth = () => ({ Authorization: `Bearer ${merchant().api_key}` });

async function created(request: APIRequestContext, path: string, data: unknown, status = 201) {
  const response = await request.post(`/api/v1${path}`, { headers: auth(), data });
  expect(response.status(), `${path}: ${await response.text()}`).toBe(status);
  return (await response.json()) as { id: string };
}

/** A wallet, a dispute and a regulatory report of the run's merchant: their pages' routes. */
export async function objectRoutes(request: APIRequestContext): Promise<Route[]> {
  const customer = await created(request, "/customers", { name: "Routes Customer" });
  const wallet = await created(request, "/wallets", { customer: customer.id, currency: "usd" });
  const payment = await restPayment(request, { amount: 4200, token: "tok_createDispute" });
  let dispute: string | undefined;
  // The sandbox opens the dispute in a Celery task shortly after the payment.
  await expect
    .poll(
      async () => {
        const page = await request.get(`/api/v1/disputes?limit=20`, { headers: auth() });
        dispute = ((await page.json()).data as { id: string; payment: string }[]).find(
          (d) => d.payment === payment.id,
        )?.id;
        return dispute;
      },
      { timeout: 30_000 },
    )
    .toBeTruthy();
  const report = await created(
    request,
    "/compliance/reports",
    { kind: "large_transactions", period_start: "2026-01-01", period_end: "2026-02-01" },
    202,
  );
  return [
    { path: `/dashboard/wallets/${wallet.id}`, heading: `Wallet ${wallet.id}` },
    { path: `/dashboard/disputes/${dispute!}`, heading: `Dispute ${dispute!}` },
    {
      path: `/dashboard/compliance/reports/${report.id}`,
      heading: new RegExp(`report ${report.id}$`),
    },
  ];
}

/**
 * Go to `route` inside the loaded app (history.pushState and a popstate, which React Router
 * follows) instead of reloading the page: the checks below need each page rendered, not a fresh
 * load of the bundle each time. Waits for the page's h1 and for its spinners to go.
 */
export async function visit(page: Page, route: Route) {
  await page.evaluate((path) => {
    window.history.pushState({}, "", path);
    window.dispatchEvent(new PopStateEvent("popstate"));
  }, route.path);
  await expect(
    page.getByRole("heading", {
      level: 1,
      name: route.heading,
      exact: typeof route.heading === "string",
    }),
  ).toBeVisible();
  await expect(page.getByRole("progressbar")).toHaveCount(0);
}
