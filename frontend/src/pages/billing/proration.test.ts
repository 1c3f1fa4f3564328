import { describe, expect, it } from "vitest";

import {
  addInterval,
  bpsToPercent,
  intervalLabel,
  percentToBps,
  previewFigures,
  updateBody,
  upcomingQuery,
} from "./proration";
import type { InvoicePreview, PreviewLine } from "./types";

const line = (
  amount: number,
  proration: boolean,
  type: PreviewLine["type"] = proration ? "proration" : "subscription",
): PreviewLine => ({
  type,
  price: "price_x",
  subscription_item: "si_1",
  quantity: 1,
  amount,
  description: "",
  period: { start: "2026-06-15T00:00:00Z", end: "2026-07-01T00:00:00Z" },
  proration,
  discount_amount: 0,
});

const preview = (lines: PreviewLine[], billing_reason = "subscription_cycle"): InvoicePreview => {
  const total = lines.reduce((sum, l) => sum + l.amount, 0);
  return {
    object: "invoice",
    preview: true,
    customer: "cus_1",
    subscription: "sub_1",
    billing_reason,
    currency: "usd",
    period_start: "2026-07-01T00:00:00Z",
    period_end: "2026-08-01T00:00:00Z",
    proration_date: 1781481600,
    lines: { data: lines },
    subtotal: total,
    total_discount_amount: 0,
    total,
    starting_balance: 0,
    amount_due: Math.max(total, 0),
    ending_balance: Math.min(total, 0),
  };
};

describe("upcoming query and update body", () => {
  it("uses Stripe's bracketed item parameters", () => {
    const query = upcomingQuery("sub_1", { item: "si_1", price: "price_2" });
    expect(decodeURIComponent(query)).toBe(
      "?subscription=sub_1&items[0][id]=si_1&items[0][price]=price_2&proration_behavior=create_prorations",
    );
  });

  it("carries the proration date and behaviour; no change is the plain preview", () => {
    const query = new URLSearchParams(
      upcomingQuery("sub_1", {
        item: "si_1",
        price: "price_2",
        quantity: 3,
        prorationBehavior: "always_invoice",
        prorationDate: 1781481600,
      }),
    );
    expect(query.get("items[0][quantity]")).toBe("3");
    expect(query.get("proration_behavior")).toBe("always_invoice");
    expect(query.get("proration_date")).toBe("1781481600");
    expect(upcomingQuery("sub_1")).toBe("?subscription=sub_1");
  });

  it("sends the preview's proration date back", () => {
    expect(updateBody({ item: "si_1", price: "price_2" }, 1781481600)).toEqual({
      items: [{ id: "si_1", price: "price_2" }],
      proration_behavior: "create_prorations",
      proration_date: 1781481600,
    });
  });
});

describe("preview figures", () => {
  it("sums the credit and the charge of the proration lines exactly", () => {
    // $10 → $25 a month, half the month left: −500 credit, +1250 charge, then the $25 renewal.
    const figures = previewFigures(
      preview([line(-500, true), line(1250, true), line(2500, false)]),
    );
    expect(figures).toEqual({
      currency: "usd",
      credit: -500,
      charge: 1250,
      net: 750,
      total: 3250,
      amountDue: 3250,
      invoicedNow: false,
    });
  });

  it("knows an invoice made now (always_invoice) and a downgrade's negative net", () => {
    const figures = previewFigures(
      preview([line(-1250, true), line(500, true)], "subscription_update"),
    );
    expect(figures.net).toBe(-750);
    expect(figures.amountDue).toBe(0);
    expect(figures.invoicedNow).toBe(true);
  });
});

describe("percentages as basis points", () => {
  it.each([
    ["25", 2500],
    ["12.5", 1250],
    ["0.01", 1],
    ["100", 10000],
    ["33.33%", 3333],
  ])("%s → %i", (text, bps) => expect(percentToBps(text)).toBe(bps));

  it.each(["0", "100.01", "1.234", "-5", "ten", ""])("refuses %s", (text) =>
    expect(() => percentToBps(text)).toThrow(),
  );

  it("shows bps back as a percentage", () => {
    expect(bpsToPercent(1250)).toBe("12.5%");
    expect(bpsToPercent(2500)).toBe("25%");
    expect(bpsToPercent(1)).toBe("0.01%");
  });
});

describe("intervals", () => {
  it("labels plans", () => {
    expect(intervalLabel({ interval: "month", interval_count: 1 })).toBe("month");
    expect(intervalLabel({ interval: "month", interval_count: 3 })).toBe("3 months");
    expect(intervalLabel(null)).toBe("one time");
  });

  it("adds calendar months in UTC with month-end clamping", () => {
    expect(addInterval("2026-01-31T10:00:00Z", "month")).toBe("2026-02-28T10:00:00Z");
    expect(addInterval("2028-01-31T00:00:00Z", "month")).toBe("2028-02-29T00:00:00Z");
    expect(addInterval("2026-06-01T00:00:00Z", "year")).toBe("2027-06-01T00:00:00Z");
    expect(addInterval("2026-06-01T00:00:00Z", "week", 2)).toBe("2026-06-15T00:00:00Z");
  });
});
