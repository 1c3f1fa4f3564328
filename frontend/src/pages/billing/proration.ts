/**
 * Plan changes and their proration preview (BILLING.md §2, §5): the Stripe-style bracketed query of
 * `GET /invoices/upcoming`, the update body that sends the preview's `proration_date` back (so the
 * update produces exactly the previewed lines), and the preview's figures, all integer minor units.
 */
import { queryString } from "../../api/lists";
import type { InvoicePreview } from "./types";

export type ProrationBehavior = "create_prorations" | "always_invoice" | "none";

export interface PlanChange {
  /** The subscription item (si_…) whose price changes. */
  item: string;
  /** The new price (price_…). */
  price: string;
  quantity?: number;
  prorationBehavior?: ProrationBehavior;
  /** Unix seconds inside the current period; the server's "now" (or test clock) when absent. */
  prorationDate?: number;
}

/**
 * The query string of the preview: (sub_1, {item: si_1, price: price_2}) →
 * "?subscription=sub_1&items%5B0%5D%5Bid%5D=si_1&items%5B0%5D%5Bprice%5D=price_2&proration_behavior=create_prorations".
 */
export function upcomingQuery(subscription: string, change?: PlanChange): string {
  if (!change) return queryString({ subscription });
  return queryString({
    subscription,
    "items[0][id]": change.item,
    "items[0][price]": change.price,
    "items[0][quantity]": change.quantity,
    proration_behavior: change.prorationBehavior ?? "create_prorations",
    proration_date: change.prorationDate,
  });
}

/** The `POST /subscriptions/{id}` body of the change at the preview's `proration_date`. */
export function updateBody(change: PlanChange, prorationDate: number) {
  return {
    items: [
      {
        id: change.item,
        price: change.price,
        ...(change.quantity ? { quantity: change.quantity } : {}),
      },
    ],
    proration_behavior: change.prorationBehavior ?? "create_prorations",
    proration_date: prorationDate,
  };
}

export interface PreviewFigures {
  currency: string;
  /** The credit for unused time on the old price (≤ 0). */
  credit: number;
  /** The charge for the remaining time on the new price (≥ 0). */
  charge: number;
  /** credit + charge: what the change itself costs. */
  net: number;
  /** The whole previewed invoice (prorations, pending items and, for a renewal, the next period). */
  total: number;
  amountDue: number;
  /** True when the change is invoiced at once (always_invoice, an interval change). */
  invoicedNow: boolean;
}

/** The figures of a preview: sums of its rounded lines (never rounded again). */
export function previewFigures(preview: InvoicePreview): PreviewFigures {
  let credit = 0;
  let charge = 0;
  for (const line of preview.lines.data) {
    if (!line.proration) continue;
    if (line.amount < 0) credit += line.amount;
    else charge += line.amount;
  }
  return {
    currency: preview.currency,
    credit,
    charge,
    net: credit + charge,
    total: preview.total,
    amountDue: preview.amount_due,
    invoicedNow: preview.billing_reason === "subscription_update",
  };
}

/**
 * A typed percentage as basis points, exactly: "25" → 2500, "12.5" → 1250, "0.01" → 1.
 * Refuses more than two decimals, zero and more than 100 (Error with a message for the field).
 */
export function percentToBps(input: string): number {
  const text = input.trim().replace(/%$/, "").trim();
  const match = /^(\d+)(?:\.(\d{0,2}))?$/.exec(text);
  if (!match) throw new Error("Enter a percentage such as 12.5 (at most two decimals).");
  const bps =
    Number.parseInt(match[1] ?? "0", 10) * 100 +
    Number.parseInt((match[2] ?? "").padEnd(2, "0"), 10);
  if (bps < 1 || bps > 10_000) throw new Error("A percentage between 0.01 and 100.");
  return bps;
}

/** Basis points for display: 1250 → "12.5%", 2500 → "25%". */
export function bpsToPercent(bps: number): string {
  const whole = Math.trunc(bps / 100);
  const fraction = String(bps % 100)
    .padStart(2, "0")
    .replace(/0+$/, "");
  return `${whole}${fraction ? `.${fraction}` : ""}%`;
}

/** A price's plan label: (1500 usd month×1) → "$15.00 / month", (3 months) → "$15.00 / 3 months". */
export function intervalLabel(
  recurring: { interval: string; interval_count: number } | null,
): string {
  if (!recurring) return "one time";
  return recurring.interval_count === 1
    ? recurring.interval
    : `${recurring.interval_count} ${recurring.interval}s`;
}

/**
 * An RFC 3339 time one interval later (UTC; month ends clamp like the billing engine:
 * Jan 31 + 1 month → Feb 28/29). Used to suggest a test clock's next renewal.
 */
export function addInterval(iso: string, interval: string, count = 1): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`Not a time: ${iso}`);
  if (interval === "day" || interval === "week") {
    date.setUTCDate(date.getUTCDate() + count * (interval === "week" ? 7 : 1));
  } else {
    const months = interval === "year" ? 12 * count : count;
    const day = date.getUTCDate();
    date.setUTCDate(1);
    date.setUTCMonth(date.getUTCMonth() + months);
    const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    date.setUTCDate(Math.min(day, last));
  }
  return date.toISOString().replace(".000Z", "Z");
}
