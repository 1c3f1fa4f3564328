/**
 * The analytics pages' window and grain, held in the URL (`?range=last_30_days&grain=day`, or
 * `?from=2026-11-01&to=2026-12-01` for a custom window), and the timeseries → chart-rows pivot.
 * Windows are UTC days, `to` exclusive, as `/analytics/*` reads them.
 */
import { useUrlState } from "../../hooks/useUrlState";
import { CATALOG } from "../reports/definition";
import { utcDay } from "./summary";

/** The named ranges, as the report builder names them (generated from the server). */
export const RANGES: readonly string[] = CATALOG.relative_ranges;
export type RangeName = string;
export const GRAINS = ["hour", "day", "week", "month"] as const;
export type Grain = (typeof GRAINS)[number];

export const RANGE_LABELS: Record<string, string> = {
  today: "Today",
  last_7_days: "Last 7 days",
  last_30_days: "Last 30 days",
  last_90_days: "Last 90 days",
  mtd: "Month to date",
  qtd: "Quarter to date",
  ytd: "Year to date",
  last_month: "Last month",
};

export interface DayWindow {
  from: string;
  to: string;
}

/** The [from, to) UTC days of a named range on `today` (YYYY-MM-DD), as the report builder counts them. */
export function rangeWindow(range: RangeName, today: string): DayWindow {
  const [year, month] = today.split("-").map(Number) as [number, number];
  const day = new Date(`${today}T00:00:00Z`);
  const tomorrow = utcDay(day, 1);
  const first = (y: number, m: number) =>
    new Date(Date.UTC(y, m - 1, 1)).toISOString().slice(0, 10);
  switch (range) {
    case "today":
      return { from: today, to: tomorrow };
    case "last_7_days":
      return { from: utcDay(day, -6), to: tomorrow };
    case "last_30_days":
      return { from: utcDay(day, -29), to: tomorrow };
    case "last_90_days":
      return { from: utcDay(day, -89), to: tomorrow };
    case "mtd":
      return { from: first(year, month), to: tomorrow };
    case "qtd":
      return { from: first(year, Math.floor((month - 1) / 3) * 3 + 1), to: tomorrow };
    case "ytd":
      return { from: first(year, 1), to: tomorrow };
    default: // last_month
      return { from: first(year, month - 1), to: first(year, month) };
  }
}

/** The months (YYYY-MM, inclusive) a window touches: the MRR page's start_month/end_month. */
export function windowMonths(window: DayWindow): { start_month: string; end_month: string } {
  const last = utcDay(new Date(`${window.to}T00:00:00Z`), -1);
  return { start_month: window.from.slice(0, 7), end_month: last.slice(0, 7) };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface AnalyticsRange extends DayWindow {
  range: RangeName | "custom";
  grain: Grain;
  set: (changes: Record<string, string | null>) => void;
}

/** The page's window and grain from the URL (default: last 30 days by day). */
export function useAnalyticsRange(
  defaults: { range?: RangeName; grain?: Grain } = {},
): AnalyticsRange {
  const { values, set } = useUrlState();
  const grain = (GRAINS as readonly string[]).includes(values.grain ?? "")
    ? (values.grain as Grain)
    : (defaults.grain ?? "day");
  if (
    values.from &&
    values.to &&
    DAY.test(values.from) &&
    DAY.test(values.to) &&
    values.from < values.to
  ) {
    return { range: "custom", from: values.from, to: values.to, grain, set };
  }
  const range = RANGES.includes(values.range ?? "")
    ? (values.range as RangeName)
    : (defaults.range ?? "last_30_days");
  return { range, grain, set, ...rangeWindow(range, utcDay(new Date())) };
}

export interface TimeseriesPoint {
  start: string;
  currency: string | null;
  group?: string | null;
  value: number | null;
}

export interface ChartRows {
  /** One row per period start: `{start, <series key>: value}`. */
  rows: Record<string, string | number | null>[];
  /** The series keys: the currency, `currency · group` when grouped, or "count". */
  keys: string[];
}

/** A series key of a point: "usd", "usd · visa", or "all" for currency-less metrics. */
export function seriesKey(point: TimeseriesPoint): string {
  const currency = point.currency ?? "all";
  return point.group !== undefined ? `${currency} · ${point.group ?? "none"}` : currency;
}

/** Pivot `/analytics/timeseries` points into chart rows, periods in time order. */
export function pivotPoints(points: TimeseriesPoint[]): ChartRows {
  const byStart = new Map<string, Record<string, string | number | null>>();
  const keys: string[] = [];
  for (const point of points) {
    const key = seriesKey(point);
    if (!keys.includes(key)) keys.push(key);
    const row = byStart.get(point.start) ?? { start: point.start };
    row[key] = point.value;
    byStart.set(point.start, row);
  }
  const rows = [...byStart.values()].sort((a, b) => String(a.start).localeCompare(String(b.start)));
  return { rows, keys };
}
