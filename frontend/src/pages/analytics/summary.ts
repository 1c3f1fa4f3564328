/**
 * The analytics summary on the client (ANALYTICS.md §1–2, docs/analytics.md "/ws/dashboard"):
 * the per-currency metrics of `/analytics/summary` and of `/ws/dashboard`'s `summary`, kept
 * current by snapshot and delta messages, and the comparison against the previous period. Money
 * stays integer minor units; rates are integer basis points; changes are computed with BigInt.
 */

/** One currency's metrics (money in minor units of that currency; rates in basis points). */
export interface CurrencyMetrics {
  gross_volume: number;
  refunded_amount: number;
  dispute_loss_amount: number;
  fee_amount: number;
  net_sales: number;
  net_volume: number;
  successful_payment_count: number;
  failed_payment_count: number;
  average_payment_size: number | null;
  refund_rate_bps: number | null;
  dispute_rate_bps: number | null;
  authorization_rate_bps: number | null;
  fraud_block_rate_bps: number | null;
  paying_customers?: number;
  spend_per_customer?: number | null;
  [metric: string]: number | null | undefined;
}

export interface SummaryFigures {
  currencies: Record<string, CurrencyMetrics>;
  new_customers: number;
  reviews_opened: number;
}

/** GET /analytics/summary. */
export interface AnalyticsSummary extends SummaryFigures {
  object: "analytics_summary";
  from: string;
  to: string;
  timezone: string;
  comparison: (SummaryFigures & { from: string; to: string; timezone: string }) | null;
}

/** The live summary of the current UTC day from `/ws/dashboard`. */
export interface LiveSummary {
  day: string | null;
  figures: SummaryFigures | null;
}

export const emptyLiveSummary: LiveSummary = { day: null, figures: null };

interface SummaryMessage {
  type: string;
  day?: string;
  summary?: SummaryFigures;
}

/**
 * A `snapshot` replaces the summary; a `delta` replaces the currencies it names and the
 * merchant-wide counts; a delta of a new UTC day starts the day again. Other messages (and
 * messages without `summary`) leave it unchanged.
 */
export function liveSummaryReducer(state: LiveSummary, message: SummaryMessage): LiveSummary {
  const summary = message.summary;
  if (!summary || (message.type !== "snapshot" && message.type !== "delta")) return state;
  const newDay = Boolean(message.day && state.day && message.day !== state.day);
  if (message.type === "snapshot" || !state.figures || newDay) {
    return {
      day: message.day ?? state.day,
      figures: { ...summary, currencies: { ...summary.currencies } },
    };
  }
  return {
    day: message.day ?? state.day,
    figures: {
      currencies: { ...state.figures.currencies, ...summary.currencies },
      new_customers: summary.new_customers,
      reviews_opened: summary.reviews_opened,
    },
  };
}

export type Change =
  | { kind: "none" }
  | { kind: "new" }
  /** Tenths of a percent, rounded half away from zero: 1250 → 1000 is -200 (-20.0 %). */
  | { kind: "percent"; tenths: number }
  /** Basis points of difference between two rates (shown as percentage points). */
  | { kind: "points"; bps: number };

/** The change of a count or money amount against the previous period's. */
export function amountChange(
  current: number | null | undefined,
  previous: number | null | undefined,
): Change {
  if (current === null || current === undefined || previous === null || previous === undefined)
    return { kind: "none" };
  if (previous === 0) return current === 0 ? { kind: "percent", tenths: 0 } : { kind: "new" };
  const diff = (BigInt(current) - BigInt(previous)) * 1000n;
  const base = BigInt(previous < 0 ? -previous : previous);
  const negative = diff < 0n;
  const magnitude = negative ? -diff : diff;
  const rounded = (magnitude * 2n + base) / (base * 2n);
  return { kind: "percent", tenths: Number(negative ? -rounded : rounded) };
}

/** The change of a rate in basis points against the previous period's. */
export function rateChange(
  current: number | null | undefined,
  previous: number | null | undefined,
): Change {
  if (current === null || current === undefined || previous === null || previous === undefined)
    return { kind: "none" };
  return { kind: "points", bps: current - previous };
}

/** A change for display: "+12.5 %", "−3.0 %", "+0.25 pp", "new", "—". */
export function formatChange(change: Change): string {
  switch (change.kind) {
    case "none":
      return "—";
    case "new":
      return "new";
    case "percent": {
      const sign = change.tenths > 0 ? "+" : change.tenths < 0 ? "−" : "";
      const value = Math.abs(change.tenths);
      return `${sign}${Math.floor(value / 10)}.${value % 10} %`;
    }
    case "points": {
      const sign = change.bps > 0 ? "+" : change.bps < 0 ? "−" : "";
      const value = Math.abs(change.bps);
      return `${sign}${Math.floor(value / 100)}.${String(value % 100).padStart(2, "0")} pp`;
    }
  }
}

/** A rate in basis points for display: 9876 → "98.76 %", null → "—". */
export function formatRate(bps: number | null | undefined): string {
  if (bps === null || bps === undefined) return "—";
  return `${Math.floor(bps / 100)}.${String(bps % 100).padStart(2, "0")} %`;
}

/** YYYY-MM-DD of `date` in UTC, plus `days`. */
export function utcDay(date: Date, days = 0): string {
  const shifted = new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + days),
  );
  return shifted.toISOString().slice(0, 10);
}

/** The money metrics of ANALYTICS.md §1 (minor units of the row's currency). */
export const MONEY_METRICS = [
  "gross_volume",
  "net_volume",
  "net_sales",
  "refunded_amount",
  "dispute_loss_amount",
  "fee_amount",
  "dispute_fee_amount",
  "average_payment_size",
  "spend_per_customer",
  "arpu",
] as const;

export type MetricKind = "money" | "rate" | "count";

/** How a metric's integer reads: money (minor units), rate (basis points) or a count. */
export function metricKind(metric: string): MetricKind {
  if ((MONEY_METRICS as readonly string[]).includes(metric)) return "money";
  if (metric.endsWith("_bps")) return "rate";
  return "count";
}

/** "gross_volume" → "Gross volume", "authorization_rate_bps" → "Authorization rate". */
export function metricLabel(metric: string): string {
  const text = metric.replace(/_bps$/, "").replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A currency's metrics in a window without any of its activity (rates and averages undefined). */
export const NO_ACTIVITY: CurrencyMetrics = {
  gross_volume: 0,
  refunded_amount: 0,
  dispute_loss_amount: 0,
  fee_amount: 0,
  dispute_fee_amount: 0,
  net_sales: 0,
  net_volume: 0,
  successful_payment_count: 0,
  failed_payment_count: 0,
  average_payment_size: null,
  refund_rate_bps: null,
  dispute_rate_bps: null,
  authorization_rate_bps: null,
  fraud_block_rate_bps: null,
  paying_customers: 0,
  spend_per_customer: null,
};

/**
 * The previous period's metrics of `currency`: undefined without a comparison; no activity when
 * the comparison has no row for it (so this period's volume reads as "new", not "—").
 */
export function previousMetrics(
  summary: AnalyticsSummary | undefined,
  currency: string,
): CurrencyMetrics | undefined {
  if (!summary?.comparison) return undefined;
  return summary.comparison.currencies[currency] ?? NO_ACTIVITY;
}
