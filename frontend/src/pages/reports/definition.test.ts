/**
 * Client-side report-definition validation gives the server's refusals under the server's
 * `param` (the cases of tests/unit/analytics/test_report_builder.py and more), and accepts what
 * the server accepts.
 */
import { describe, expect, it } from "vitest";

import {
  CATALOG,
  emptyDefinition,
  filterValueFromText,
  filterValueToText,
  validateDefinition,
  type ReportDefinition,
} from "./definition";

function def(changes: Partial<ReportDefinition>): ReportDefinition {
  return {
    name: "x",
    source: "payments",
    metrics: ["count"],
    dimensions: [],
    filters: [],
    ...changes,
  };
}

function params(definition: ReportDefinition): string[] {
  return validateDefinition(definition).map((error) => error.param);
}

describe("validateDefinition", () => {
  it("accepts the builder's starting definition once named", () => {
    expect(params({ ...emptyDefinition(), name: "Volume" })).toEqual([]);
  });

  it.each<[string, Partial<ReportDefinition>, string[]]>([
    ["a field outside the whitelist", { dimensions: ["password"] }, ["dimensions[0]"]],
    ["a money metric without currency", { metrics: ["gross_volume"] }, ["dimensions"]],
    ["an unknown source", { source: "users" }, ["source"]],
    [
      "another source's field",
      { source: "invoices", dimensions: ["amount_due"] },
      ["dimensions[0]"],
    ],
    ["an expression as a metric", { metrics: ["sum(amount)"] }, ["metrics[0]"]],
    ["no metric", { metrics: [] }, ["metrics"]],
    [
      "a filter on an unknown field",
      { filters: [{ field: "x", op: "eq", value: 1 }] },
      ["filters[0][field]"],
    ],
    [
      "an unknown op",
      { filters: [{ field: "status", op: "like" as never, value: "a" }] },
      ["filters[0][op]"],
    ],
    ["an injected sort", { sort: ["amount; drop"] }, ["sort[0]"]],
    ["a sort by period without interval", { sort: ["-period"] }, ["sort[0]"]],
    ["an unknown interval", { interval: "minute" }, ["interval"]],
    ["an unknown timezone", { timezone: "Mars/Base" }, ["timezone"]],
    ["limit 0", { limit: 0 }, ["limit"]],
    ["limit above the maximum", { limit: CATALOG.max_limit + 1 }, ["limit"]],
    ["an empty name", { name: "" }, ["name"]],
    ["a dimension twice", { dimensions: ["status", "status"] }, ["dimensions"]],
    [
      "six dimensions",
      { dimensions: ["status", "currency", "outcome", "source", "customer", "card_brand"] },
      ["dimensions"],
    ],
    [
      "four metadata keys",
      { dimensions: ["metadata.a", "metadata.b", "metadata.c", "metadata.d"] },
      ["dimensions"],
    ],
    [
      "metadata on a source without it",
      { source: "disputes", dimensions: ["metadata.order"] },
      ["dimensions[0]"],
    ],
    [
      "in with no values",
      { filters: [{ field: "status", op: "in", value: [] }] },
      ["filters[0][value]"],
    ],
    [
      "between with one bound",
      { filters: [{ field: "amount", op: "between", value: [1] }] },
      ["filters[0][value]"],
    ],
    [
      "is_null with a string",
      { filters: [{ field: "customer", op: "is_null", value: "yes" }] },
      ["filters[0][value]"],
    ],
    [
      "text in an integer field",
      { filters: [{ field: "amount", op: "gte", value: "ten" }] },
      ["filters[0][value]"],
    ],
    [
      "a time filter that is no timestamp",
      { filters: [{ field: "created", op: "gte", value: "yesterday" }] },
      ["filters[0][value]"],
    ],
    [
      "an unknown relative range",
      { date_range: { type: "relative", value: "last_year" } },
      ["date_range"],
    ],
    [
      "an absolute range backwards",
      { date_range: { type: "absolute", value: { from: "2026-11-12", to: "2026-11-10" } } },
      ["date_range"],
    ],
    [
      "an impossible date",
      { date_range: { type: "absolute", value: { from: "2026-02-30", to: "2026-03-02" } } },
      ["date_range"],
    ],
  ])("refuses %s", (_label, changes, expected) => {
    expect(params(def(changes))).toEqual(expected);
  });

  it.each<[string, Partial<ReportDefinition>]>([
    [
      "a money metric with a currency eq filter",
      { metrics: ["gross_volume"], filters: [{ field: "currency", op: "eq", value: "usd" }] },
    ],
    [
      "a money metric per currency",
      { metrics: ["amount", "fee_amount"], dimensions: ["currency"] },
    ],
    ["three metadata keys", { dimensions: ["metadata.a", "metadata.b", "metadata.c"] }],
    ["a sort by period with an interval", { interval: "week", sort: ["-period", "count"] }],
    ["between on amounts", { filters: [{ field: "amount", op: "between", value: [100, 5000] }] }],
    [
      "a time filter",
      { filters: [{ field: "created", op: "gte", value: "2026-11-10T00:00:00Z" }] },
    ],
    ["is_null", { filters: [{ field: "customer", op: "is_null", value: true }] }],
    [
      "an absolute range",
      { date_range: { type: "absolute", value: { from: "2026-11-10", to: "2026-11-12" } } },
    ],
    ["a half-hour timezone", { timezone: "Asia/Kolkata" }],
  ])("accepts %s", (_label, changes) => {
    expect(params(def(changes))).toEqual([]);
  });

  it("knows every source's money metrics", () => {
    for (const [name, source] of Object.entries(CATALOG.sources)) {
      const metrics = Object.keys(source.metrics);
      const money = metrics.filter((metric) => source.metrics[metric]);
      expect(params(def({ source: name, metrics: metrics.slice(0, 10) }))).toEqual(
        money.length ? ["dimensions"] : [],
      );
      expect(
        params(def({ source: name, metrics: metrics.slice(0, 10), dimensions: ["currency"] })),
      ).toEqual([]);
    }
  });
});

describe("filter values from text", () => {
  it("types them by field kind and op", () => {
    expect(filterValueFromText("int", "gte", " 1000 ")).toBe(1000);
    expect(filterValueFromText("int", "gte", "10.5")).toBe("10.5");
    expect(filterValueFromText("text", "eq", "succeeded")).toBe("succeeded");
    expect(filterValueFromText("text", "in", "usd, eur,,gbp")).toEqual(["usd", "eur", "gbp"]);
    expect(filterValueFromText("int", "between", "100,5000")).toEqual([100, 5000]);
    expect(filterValueFromText("text", "is_null", "false")).toBe(false);
    expect(filterValueFromText("text", "is_null", "true")).toBe(true);
    expect(filterValueToText([100, 5000])).toBe("100, 5000");
    expect(filterValueToText("usd")).toBe("usd");
  });
});
