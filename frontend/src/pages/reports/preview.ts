/**
 * A report's rows (a preview's or a run's) as a chart: with an interval, one line per
 * combination of dimensions over the periods; without, one bar per combination. The first
 * chosen metric is charted; values stay the rows' integers.
 */
import type { ChartRows } from "../analytics/range";
import { isMoneyMetric, type ReportDefinition } from "./definition";

export type ReportRow = Record<string, string | number | boolean | null>;

export interface ReportChart {
  kind: "line" | "bar";
  metric: string;
  /** The single currency of a money metric's rows (so the axis can format it), else null. */
  currency: string | null;
  data: ChartRows;
}

/** The label of a row's dimension values: "usd · visa"; "all" without dimensions. */
export function dimensionLabel(row: ReportRow, dimensions: string[]): string {
  if (!dimensions.length) return "all";
  return dimensions
    .map((name) => (row[name] === null || row[name] === undefined ? "none" : String(row[name])))
    .join(" · ");
}

export function reportChart(
  definition: Pick<ReportDefinition, "source" | "metrics" | "dimensions" | "interval">,
  rows: ReportRow[],
): ReportChart | null {
  const metric = definition.metrics[0];
  if (!metric || !rows.length) return null;
  const money = isMoneyMetric(definition.source, metric);
  const currencies = new Set(rows.map((row) => row.currency));
  const currency =
    money && currencies.size === 1 && typeof rows[0]!.currency === "string"
      ? rows[0]!.currency
      : null;
  const keys: string[] = [];
  if (definition.interval) {
    const byPeriod = new Map<string, Record<string, string | number | null>>();
    for (const row of rows) {
      const key = dimensionLabel(row, definition.dimensions);
      if (!keys.includes(key)) keys.push(key);
      const period = String(row.period);
      const out = byPeriod.get(period) ?? { start: period };
      out[key] = typeof row[metric] === "number" ? (row[metric] as number) : null;
      byPeriod.set(period, out);
    }
    const data = [...byPeriod.values()].sort((a, b) =>
      String(a.start).localeCompare(String(b.start)),
    );
    return { kind: "line", metric, currency, data: { rows: data, keys } };
  }
  const data = rows.map((row) => ({
    category: dimensionLabel(row, definition.dimensions),
    [metric]: typeof row[metric] === "number" ? (row[metric] as number) : null,
  }));
  return { kind: "bar", metric, currency, data: { rows: data, keys: [metric] } };
}
