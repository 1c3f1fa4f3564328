/** The analytics transforms: live summary reducer, comparisons, windows, pivots, report charts. */
import { describe, expect, it } from "vitest";

import { reportChart } from "../reports/preview";
import { waterfallRows } from "./AnalyticsPages";
import { pivotPoints, rangeWindow, windowMonths } from "./range";
import {
  amountChange,
  emptyLiveSummary,
  formatChange,
  liveSummaryReducer,
  metricKind,
  NO_ACTIVITY,
  previousMetrics,
  rateChange,
  type CurrencyMetrics,
  type SummaryFigures,
} from "./summary";

function metrics(values: Partial<CurrencyMetrics>): CurrencyMetrics {
  return { gross_volume: 0, successful_payment_count: 0, ...values } as CurrencyMetrics;
}

describe("liveSummaryReducer", () => {
  const usd = metrics({ gross_volume: 4000, successful_payment_count: 1 });
  const eur = metrics({ gross_volume: 700, successful_payment_count: 1 });
  const snapshot: { type: string; day: string; summary: SummaryFigures } = {
    type: "snapshot",
    day: "2026-11-10",
    summary: { currencies: { usd, eur }, new_customers: 2, reviews_opened: 0 },
  };

  it("takes a snapshot, merges a delta's currencies and counts, and restarts on a new day", () => {
    const first = liveSummaryReducer(emptyLiveSummary, snapshot);
    expect(first.figures?.currencies).toEqual({ usd, eur });
    const usd2 = metrics({ gross_volume: 6500, successful_payment_count: 2 });
    const second = liveSummaryReducer(first, {
      type: "delta",
      day: "2026-11-10",
      summary: { currencies: { usd: usd2 }, new_customers: 3, reviews_opened: 1 },
    });
    expect(second).toEqual({
      day: "2026-11-10",
      figures: { currencies: { usd: usd2, eur }, new_customers: 3, reviews_opened: 1 },
    });
    const next = liveSummaryReducer(second, {
      type: "delta",
      day: "2026-11-11",
      summary: { currencies: { eur }, new_customers: 0, reviews_opened: 0 },
    });
    expect(next).toEqual({
      day: "2026-11-11",
      figures: { currencies: { eur }, new_customers: 0, reviews_opened: 0 },
    });
  });

  it("ignores pings and messages without a summary", () => {
    const state = liveSummaryReducer(emptyLiveSummary, snapshot);
    expect(liveSummaryReducer(state, { type: "ping" })).toBe(state);
    expect(liveSummaryReducer(state, { type: "delta", day: "2026-11-10" })).toBe(state);
  });
});

describe("comparisons", () => {
  it("computes percent changes exactly with half-up rounding", () => {
    expect(amountChange(1250, 1000)).toEqual({ kind: "percent", tenths: 250 });
    expect(amountChange(1000, 1250)).toEqual({ kind: "percent", tenths: -200 });
    expect(amountChange(2, 3)).toEqual({ kind: "percent", tenths: -333 });
    expect(amountChange(1, 3)).toEqual({ kind: "percent", tenths: -667 });
    expect(amountChange(9_007_199_254_740_991, 9_007_199_254_740_990)).toEqual({
      kind: "percent",
      tenths: 0,
    });
    expect(amountChange(5, 0)).toEqual({ kind: "new" });
    expect(amountChange(0, 0)).toEqual({ kind: "percent", tenths: 0 });
    expect(amountChange(5, undefined)).toEqual({ kind: "none" });
    expect(formatChange(amountChange(1250, 1000))).toBe("+25.0 %");
    expect(formatChange(amountChange(1, 3))).toBe("−66.7 %");
    expect(formatChange(rateChange(9850, 9825))).toBe("+0.25 pp");
    expect(formatChange(rateChange(9000, 10000))).toBe("−10.00 pp");
    expect(formatChange(rateChange(null, 10000))).toBe("—");
    expect(formatChange({ kind: "new" })).toBe("new");
  });

  it("reads a currency absent from the previous period as no activity, and none without a comparison", () => {
    const usd = metrics({ gross_volume: 100 });
    const summary = { comparison: { currencies: { usd } } } as never;
    expect(previousMetrics(summary, "usd")).toBe(usd);
    expect(previousMetrics(summary, "eur")).toBe(NO_ACTIVITY);
    expect(formatChange(amountChange(4321, previousMetrics(summary, "eur")!.gross_volume))).toBe(
      "new",
    );
    expect(
      formatChange(rateChange(5000, previousMetrics(summary, "eur")!.authorization_rate_bps)),
    ).toBe("—");
    expect(previousMetrics({ comparison: null } as never, "usd")).toBeUndefined();
  });

  it("knows metric kinds", () => {
    expect(
      ["gross_volume", "authorization_rate_bps", "successful_payment_count"].map(metricKind),
    ).toEqual(["money", "rate", "count"]);
  });
});

describe("windows", () => {
  it("names UTC day windows with an exclusive end", () => {
    expect(rangeWindow("today", "2026-11-30")).toEqual({ from: "2026-11-30", to: "2026-12-01" });
    expect(rangeWindow("last_7_days", "2026-11-30")).toEqual({
      from: "2026-11-24",
      to: "2026-12-01",
    });
    expect(rangeWindow("last_30_days", "2026-03-01")).toEqual({
      from: "2026-01-31",
      to: "2026-03-02",
    });
    expect(rangeWindow("mtd", "2026-11-30")).toEqual({ from: "2026-11-01", to: "2026-12-01" });
    expect(rangeWindow("qtd", "2026-11-30")).toEqual({ from: "2026-10-01", to: "2026-12-01" });
    expect(rangeWindow("ytd", "2026-11-30")).toEqual({ from: "2026-01-01", to: "2026-12-01" });
    expect(rangeWindow("last_month", "2026-01-15")).toEqual({
      from: "2025-12-01",
      to: "2026-01-01",
    });
    expect(windowMonths({ from: "2026-01-01", to: "2026-12-01" })).toEqual({
      start_month: "2026-01",
      end_month: "2026-11",
    });
  });
});

describe("pivots", () => {
  it("turns timeseries points into one row per period and one key per series", () => {
    const points = [
      { start: "2026-11-10T00:00:00+00:00", currency: "eur", value: 700 },
      { start: "2026-11-11T00:00:00+00:00", currency: "eur", value: 0 },
      { start: "2026-11-10T00:00:00+00:00", currency: "usd", value: 4000 },
      { start: "2026-11-11T00:00:00+00:00", currency: "usd", value: 1234 },
    ];
    expect(pivotPoints(points)).toEqual({
      keys: ["eur", "usd"],
      rows: [
        { start: "2026-11-10T00:00:00+00:00", eur: 700, usd: 4000 },
        { start: "2026-11-11T00:00:00+00:00", eur: 0, usd: 1234 },
      ],
    });
    expect(
      pivotPoints([
        { start: "s", currency: "usd", group: "visa", value: 1 },
        { start: "s", currency: "usd", group: null, value: 2 },
      ]).keys,
    ).toEqual(["usd · visa", "usd · none"]);
  });

  it("turns report rows into a line per dimension over periods, or bars without a grain", () => {
    const rows = [
      {
        period: "2026-11-11T00:00:00",
        currency: "usd",
        count: 1,
        gross_volume: 500,
        gross_volume_decimal: "5.00",
      },
      {
        period: "2026-11-10T00:00:00",
        currency: "usd",
        count: 2,
        gross_volume: 6239,
        gross_volume_decimal: "62.39",
      },
    ];
    expect(
      reportChart(
        {
          source: "payments",
          metrics: ["gross_volume", "count"],
          dimensions: ["currency"],
          interval: "day",
        },
        rows,
      ),
    ).toEqual({
      kind: "line",
      metric: "gross_volume",
      currency: "usd",
      data: {
        keys: ["usd"],
        rows: [
          { start: "2026-11-10T00:00:00", usd: 6239 },
          { start: "2026-11-11T00:00:00", usd: 500 },
        ],
      },
    });
    const bars = reportChart(
      {
        source: "payments",
        metrics: ["count"],
        dimensions: ["currency", "card_brand"],
        interval: null,
      },
      [
        { currency: "usd", card_brand: "visa", count: 2 },
        { currency: "eur", card_brand: null, count: 1 },
      ],
    );
    expect(bars).toEqual({
      kind: "bar",
      metric: "count",
      currency: null,
      data: {
        keys: ["count"],
        rows: [
          { category: "usd · visa", count: 2 },
          { category: "eur · none", count: 1 },
        ],
      },
    });
    expect(
      reportChart({ source: "payments", metrics: ["count"], dimensions: [], interval: null }, []),
    ).toBeNull();
  });

  it("draws the MRR waterfall with losses below zero", () => {
    const month = {
      start_mrr: 1000,
      end_mrr: 1500,
      new: 800,
      reactivation: 0,
      expansion: 200,
      contraction: 100,
      churn: 400,
    };
    expect(
      waterfallRows(
        [
          { month: "2026-10", currencies: { usd: month as never } },
          { month: "2026-11", currencies: {} },
        ],
        "usd",
      ),
    ).toEqual([
      {
        month: "2026-10",
        new: 800,
        reactivation: 0,
        expansion: 200,
        contraction: -100,
        churn: -400,
        end_mrr: 1500,
      },
      {
        month: "2026-11",
        new: 0,
        reactivation: 0,
        expansion: 0,
        contraction: 0,
        churn: 0,
        end_mrr: 0,
      },
    ]);
  });
});
