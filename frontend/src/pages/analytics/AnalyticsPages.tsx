/**
 * The analytics pages (FRONTEND.md "analytics/…", ANALYTICS.md §2), each with its window and
 * grain in the URL: revenue (`/analytics/summary` with the previous period, `/analytics/timeseries`
 * with metric and group-by), customers (`/analytics/customers`), subscriptions (`/analytics/mrr`:
 * MRR/ARR, the monthly MRR waterfall and churn) and fraud (`/analytics/fraud`: block and review
 * rates, top rules, disputes by reason). Money stays integer minor units until display.
 */
import Box from "@mui/material/Box";
import Skeleton from "@mui/material/Skeleton";
import Typography from "@mui/material/Typography";
import { useQuery } from "@tanstack/react-query";

import { apiJson } from "../../api/client";
import { queryString } from "../../api/lists";
import { ErrorAlert, Money, PageHeader } from "../../components/common";
import { useUrlState } from "../../hooks/useUrlState";
import { formatMoney } from "../../money/money";
import { CATALOG } from "../reports/definition";
import { Tile } from "./HomeAnalytics";
import { BarsChart, SERIES_COLORS, SeriesChart } from "./charts";
import {
  CurrencyMetricsTable,
  DataTable,
  FIGURES_GRID,
  metricText,
  RangeBar,
  Section,
  SelectField,
} from "./parts";
import {
  pivotPoints,
  useAnalyticsRange,
  windowMonths,
  type AnalyticsRange,
  type TimeseriesPoint,
} from "./range";
import {
  amountChange,
  formatChange,
  formatRate,
  metricKind,
  metricLabel,
  previousMetrics,
  rateChange,
  type AnalyticsSummary,
} from "./summary";

// What /analytics/timeseries accepts (generated from the server into the catalog).
const TIMESERIES_METRICS = CATALOG.timeseries.metrics;
const GROUPABLE = CATALOG.timeseries.groupable_metrics;
const GROUP_BY = ["", ...CATALOG.timeseries.group_by];

function windowParams(range: AnalyticsRange) {
  return { from: range.from, to: range.to, timezone: "UTC" };
}

function useAnalytics<T>(path: string, params: Record<string, string | undefined>) {
  return useQuery({
    queryKey: [path, params],
    queryFn: () => apiJson<T>(`${path}${queryString(params)}`),
  });
}

/**
 * A timeseries as charts: money metrics one chart per currency (amounts of one currency share
 * an axis), other metrics one chart with a line per currency (or group).
 */
export function TimeseriesCharts({
  points,
  metric,
  hourly,
  testId,
}: {
  points: TimeseriesPoint[];
  metric: string;
  hourly: boolean;
  testId: string;
}) {
  const kind = metricKind(metric);
  if (!points.length)
    return <Typography color="text.secondary">No data in this window.</Typography>;
  if (kind !== "money") {
    return (
      <SeriesChart
        data={pivotPoints(points)}
        format={(value) => metricText(metric, value, null)}
        label={`${metricLabel(metric)} per period`}
        hourly={hourly}
        testId={testId}
      />
    );
  }
  const currencies = [...new Set(points.map((point) => point.currency ?? ""))]
    .filter(Boolean)
    .sort();
  return (
    <>
      {currencies.map((currency) => (
        <Box key={currency} sx={{ mb: 2 }}>
          <Typography variant="subtitle2">{currency.toUpperCase()}</Typography>
          <SeriesChart
            data={pivotPoints(points.filter((point) => point.currency === currency))}
            format={(value) => formatMoney(value, currency)}
            label={`${metricLabel(metric)} per period in ${currency.toUpperCase()}`}
            hourly={hourly}
            testId={`${testId}-${currency}`}
          />
        </Box>
      ))}
    </>
  );
}

const SUMMARY_ROWS: string[] = [
  "gross_volume",
  "refunded_amount",
  "dispute_loss_amount",
  "net_sales",
  "fee_amount",
  "net_volume",
  "successful_payment_count",
  "failed_payment_count",
  "average_payment_size",
  "authorization_rate_bps",
  "refund_rate_bps",
  "dispute_rate_bps",
  "paying_customers",
  "spend_per_customer",
];

function SummaryTable({ summary }: { summary: AnalyticsSummary }) {
  const currencies = Object.keys(summary.currencies).sort();
  if (!currencies.length)
    return <Typography color="text.secondary">No payments in this window.</Typography>;
  return (
    <>
      {currencies.map((currency) => {
        const now = summary.currencies[currency]!;
        const before = previousMetrics(summary, currency);
        return (
          <Box key={currency} sx={{ mb: 2 }}>
            <Typography variant="subtitle2">{currency.toUpperCase()}</Typography>
            <DataTable
              label={`Summary in ${currency.toUpperCase()}`}
              testId={`summary-${currency}`}
              rows={SUMMARY_ROWS.filter((metric) => metric in now)}
              rowKey={(metric) => metric}
              columns={[
                { key: "metric", header: "Metric", render: (metric) => metricLabel(metric) },
                {
                  key: "value",
                  header: "This period",
                  numeric: true,
                  render: (metric) => metricText(metric, now[metric], currency),
                },
                {
                  key: "previous",
                  header: "Previous period",
                  numeric: true,
                  render: (metric) => metricText(metric, before?.[metric], currency),
                },
                {
                  key: "change",
                  header: "Change",
                  numeric: true,
                  render: (metric) =>
                    formatChange(
                      metricKind(metric) === "rate"
                        ? rateChange(now[metric], before?.[metric])
                        : amountChange(now[metric], before?.[metric]),
                    ),
                },
              ]}
            />
          </Box>
        );
      })}
    </>
  );
}

function Loading({ error }: { error: unknown }) {
  return error ? <ErrorAlert error={error} /> : <Skeleton variant="rectangular" height={200} />;
}

export function RevenuePage() {
  const range = useAnalyticsRange();
  const { values, set } = useUrlState();
  const metric = TIMESERIES_METRICS.includes(values.metric ?? "") ? values.metric! : "gross_volume";
  const groupBy =
    GROUPABLE.includes(metric) && GROUP_BY.includes(values.group_by ?? "")
      ? (values.group_by ?? "")
      : "";
  const series = useAnalytics<{ points: TimeseriesPoint[] }>("/analytics/timeseries", {
    ...windowParams(range),
    metric,
    interval: range.grain,
    group_by: groupBy || undefined,
  });
  const summary = useAnalytics<AnalyticsSummary>("/analytics/summary", {
    ...windowParams(range),
    compare: "previous_period",
  });
  return (
    <Box>
      <PageHeader title="Revenue" />
      <RangeBar range={range}>
        <SelectField
          label="Metric"
          value={metric}
          options={TIMESERIES_METRICS}
          labels={Object.fromEntries(TIMESERIES_METRICS.map((m) => [m, metricLabel(m)]))}
          onChange={(value) => set({ metric: value })}
        />
        {GROUPABLE.includes(metric) && (
          <SelectField
            label="Group by"
            value={groupBy}
            options={GROUP_BY}
            labels={{ "": "Nothing" }}
            onChange={(value) => set({ group_by: value || null })}
          />
        )}
      </RangeBar>
      <Section title={`${metricLabel(metric)} per ${range.grain}`}>
        {series.data ? (
          <TimeseriesCharts
            points={series.data.points}
            metric={metric}
            hourly={range.grain === "hour"}
            testId="revenue-chart"
          />
        ) : (
          <Loading error={series.error} />
        )}
      </Section>
      <Section title="This period against the previous one">
        {summary.data ? <SummaryTable summary={summary.data} /> : <Loading error={summary.error} />}
      </Section>
    </Box>
  );
}

interface CustomersAnalytics {
  new_customers: number;
  currencies: Record<
    string,
    { paying_customers: number; arpu: number | null; gross_volume: number }
  >;
  top_customers: { currency: string; customer: string; gross_volume: number; payments: number }[];
}

/**
 * A breakdown page's data: its window from the URL, the breakdown endpoint's answer, its
 * currencies in order, and the timeseries of `metric` at the chosen grain.
 */
function useBreakdown<T extends { currencies: Record<string, unknown> }>(
  path: string,
  metric: string,
) {
  const range = useAnalyticsRange();
  const data = useAnalytics<T>(path, windowParams(range));
  const series = useAnalytics<{ points: TimeseriesPoint[] }>("/analytics/timeseries", {
    ...windowParams(range),
    metric,
    interval: range.grain,
  });
  const currencies = data.data
    ? (Object.entries(data.data.currencies).sort(([a], [b]) => a.localeCompare(b)) as [
        string,
        T["currencies"][string],
      ][])
    : [];
  return { range, data, series, currencies };
}

export function CustomersAnalyticsPage() {
  const { range, data, series, currencies } = useBreakdown<CustomersAnalytics>(
    "/analytics/customers",
    "new_customers",
  );
  return (
    <Box>
      <PageHeader title="Customers" />
      <RangeBar range={range} />
      {data.data ? (
        <>
          <Box sx={FIGURES_GRID}>
            <Tile label="New customers" value={data.data.new_customers} testId="new-customers" />
            {currencies.map(([currency, row]) => (
              <Tile
                key={currency}
                label={`Paying customers · ${currency.toUpperCase()}`}
                value={row.paying_customers}
                testId={`paying-${currency}`}
              />
            ))}
          </Box>
          <Section title="Spend per customer">
            <CurrencyMetricsTable
              label="Paying customers and ARPU per currency"
              rows={currencies}
              metrics={[
                ["paying_customers", "Paying customers"],
                ["gross_volume", "Gross volume"],
                ["arpu", "ARPU"],
              ]}
            />
          </Section>
          <Section title="Top customers by gross volume">
            <DataTable
              label="Top customers"
              testId="top-customers"
              rows={data.data.top_customers}
              rowKey={(row) => `${row.currency}-${row.customer}`}
              columns={[
                { key: "customer", header: "Customer", render: (row) => row.customer },
                {
                  key: "payments",
                  header: "Payments",
                  numeric: true,
                  render: (row) => row.payments,
                },
                {
                  key: "gross",
                  header: "Gross volume",
                  numeric: true,
                  render: (row) => <Money amount={row.gross_volume} currency={row.currency} />,
                },
              ]}
            />
          </Section>
        </>
      ) : (
        <Loading error={data.error} />
      )}
      <Section title={`New customers per ${range.grain}`}>
        {series.data ? (
          <TimeseriesCharts
            points={series.data.points}
            metric="new_customers"
            hourly={range.grain === "hour"}
            testId="customers-chart"
          />
        ) : (
          <Loading error={series.error} />
        )}
      </Section>
    </Box>
  );
}

interface MrrMonth {
  start_mrr: number;
  end_mrr: number;
  new: number;
  reactivation: number;
  expansion: number;
  contraction: number;
  churn: number;
  customers_start: number;
  customers_end: number;
  churned_customers: number;
  customer_churn_rate_bps: number | null;
  gross_mrr_churn_rate_bps: number | null;
  net_mrr_churn_rate_bps: number | null;
  nrr_bps: number | null;
  arpu: number | null;
  ltv: number | null;
  quick_ratio_bps: number | null;
}

interface MrrAnalytics {
  current: Record<string, { mrr: number; arr: number; customers: number }>;
  months: { month: string; currencies: Record<string, MrrMonth> }[];
}

/** Waterfall rows of one currency: gains up, losses (contraction, churn) down, as integers. */
export function waterfallRows(
  months: MrrAnalytics["months"],
  currency: string,
): Record<string, string | number>[] {
  return months.map(({ month, currencies }) => {
    const row = currencies[currency];
    return {
      month,
      new: row?.new ?? 0,
      reactivation: row?.reactivation ?? 0,
      expansion: row?.expansion ?? 0,
      contraction: 0 - (row?.contraction ?? 0),
      churn: 0 - (row?.churn ?? 0),
      end_mrr: row?.end_mrr ?? 0,
    };
  });
}

export function SubscriptionsAnalyticsPage() {
  const range = useAnalyticsRange({ range: "ytd", grain: "month" });
  const { values, set } = useUrlState();
  const data = useAnalytics<MrrAnalytics>("/analytics/mrr", {
    ...windowMonths(range),
    timezone: "UTC",
  });
  const known = data.data
    ? [
        ...new Set([
          ...Object.keys(data.data.current),
          ...data.data.months.flatMap((m) => Object.keys(m.currencies)),
        ]),
      ].sort()
    : [];
  const currency = known.includes(values.currency ?? "") ? values.currency! : known[0];
  const months = data.data?.months ?? [];
  return (
    <Box>
      <PageHeader title="Subscriptions" />
      <RangeBar range={range} showGrain={false}>
        {known.length > 1 && currency && (
          <SelectField
            label="Currency"
            value={currency}
            options={known}
            onChange={(value) => set({ currency: value })}
          />
        )}
      </RangeBar>
      {!data.data && <Loading error={data.error} />}
      {data.data && !currency && (
        <Typography color="text.secondary">No recurring revenue yet.</Typography>
      )}
      {data.data && currency && (
        <>
          <Box sx={FIGURES_GRID}>
            <Tile
              label={`MRR · ${currency.toUpperCase()}`}
              value={<Money amount={data.data.current[currency]?.mrr ?? 0} currency={currency} />}
              testId="mrr"
            />
            <Tile
              label="ARR"
              value={<Money amount={data.data.current[currency]?.arr ?? 0} currency={currency} />}
              testId="arr"
            />
            <Tile
              label="Subscribed customers"
              value={data.data.current[currency]?.customers ?? 0}
            />
          </Box>
          <Section title="MRR movements per month">
            <BarsChart
              rows={waterfallRows(months, currency)}
              categoryKey="month"
              series={[
                { key: "new", label: "New", color: SERIES_COLORS[2]!, stack: "m" },
                {
                  key: "reactivation",
                  label: "Reactivation",
                  color: SERIES_COLORS[5]!,
                  stack: "m",
                },
                { key: "expansion", label: "Expansion", color: SERIES_COLORS[0]!, stack: "m" },
                { key: "contraction", label: "Contraction", color: SERIES_COLORS[3]!, stack: "m" },
                { key: "churn", label: "Churn", color: SERIES_COLORS[4]!, stack: "m" },
              ]}
              format={(value) => formatMoney(value, currency)}
              label={`MRR waterfall in ${currency.toUpperCase()}`}
              testId="mrr-waterfall"
            />
          </Section>
          <Section title="Churn and retention">
            <DataTable
              label="MRR movements and churn per month"
              testId="mrr-months"
              rows={months}
              rowKey={(row) => row.month}
              columns={[
                { key: "month", header: "Month", render: (row) => row.month },
                ...(
                  [
                    "start_mrr",
                    "new",
                    "reactivation",
                    "expansion",
                    "contraction",
                    "churn",
                    "end_mrr",
                  ] as const
                ).map((key) => ({
                  key,
                  header: metricLabel(key.replace("_mrr", "")),
                  numeric: true,
                  render: (row: (typeof months)[number]) => (
                    <Money amount={row.currencies[currency]?.[key] ?? 0} currency={currency} />
                  ),
                })),
                ...(
                  [
                    "customer_churn_rate_bps",
                    "gross_mrr_churn_rate_bps",
                    "net_mrr_churn_rate_bps",
                    "nrr_bps",
                    "quick_ratio_bps",
                  ] as const
                ).map((key) => ({
                  key,
                  header: metricLabel(key),
                  numeric: true,
                  render: (row: (typeof months)[number]) =>
                    formatRate(row.currencies[currency]?.[key]),
                })),
              ]}
            />
          </Section>
        </>
      )}
    </Box>
  );
}

interface FraudAnalytics {
  currencies: Record<
    string,
    {
      fraud_block_rate_bps: number | null;
      risk_blocked_count: number;
      authorization_rate_bps: number | null;
      failed_payment_count: number;
      dispute_rate_bps: number | null;
      disputes_opened: number;
      dispute_loss_amount: number;
    }
  >;
  attempts_scored: number;
  reviews_opened: number;
  review_rate_bps: number | null;
  top_rules: { rule: string; attempts: number }[];
  disputes_by_reason: { currency: string; reason: string; count: number }[];
}

export function FraudAnalyticsPage() {
  const { range, data, series, currencies } = useBreakdown<FraudAnalytics>(
    "/analytics/fraud",
    "fraud_block_rate_bps",
  );
  return (
    <Box>
      <PageHeader title="Fraud" />
      <RangeBar range={range} />
      {data.data ? (
        <>
          <Box sx={FIGURES_GRID}>
            <Tile label="Attempts scored" value={data.data.attempts_scored} />
            <Tile label="Reviews opened" value={data.data.reviews_opened} />
            <Tile
              label="Review rate"
              value={formatRate(data.data.review_rate_bps)}
              testId="review-rate"
            />
          </Box>
          <Section title="Block, authorization and dispute rates">
            <CurrencyMetricsTable
              label="Fraud rates per currency"
              testId="fraud-rates"
              rows={currencies}
              metrics={[
                ["fraud_block_rate_bps", "Block rate"],
                ["risk_blocked_count", "Blocked"],
                ["authorization_rate_bps", "Authorization rate"],
                ["failed_payment_count", "Declined"],
                ["dispute_rate_bps", "Dispute rate"],
                ["disputes_opened", "Disputes"],
                ["dispute_loss_amount", "Dispute losses"],
              ]}
            />
          </Section>
          <Box sx={{ display: "grid", gap: 2, gridTemplateColumns: { xs: "1fr", md: "1fr 1fr" } }}>
            <Section title="Top risk rules">
              <DataTable
                label="Top risk rules"
                rows={data.data.top_rules}
                rowKey={(row) => row.rule}
                columns={[
                  { key: "rule", header: "Rule", render: (row) => row.rule },
                  {
                    key: "attempts",
                    header: "Attempts",
                    numeric: true,
                    render: (row) => row.attempts,
                  },
                ]}
              />
            </Section>
            <Section title="Disputes by reason">
              <DataTable
                label="Disputes by reason"
                rows={data.data.disputes_by_reason}
                rowKey={(row) => `${row.currency}-${row.reason}`}
                columns={[
                  { key: "reason", header: "Reason", render: (row) => row.reason },
                  {
                    key: "currency",
                    header: "Currency",
                    render: (row) => row.currency.toUpperCase(),
                  },
                  { key: "count", header: "Disputes", numeric: true, render: (row) => row.count },
                ]}
              />
            </Section>
          </Box>
        </>
      ) : (
        <Loading error={data.error} />
      )}
      <Section title={`Block rate per ${range.grain}`}>
        {series.data ? (
          <TimeseriesCharts
            points={series.data.points}
            metric="fraud_block_rate_bps"
            hourly={range.grain === "hour"}
            testId="fraud-chart"
          />
        ) : (
          <Loading error={series.error} />
        )}
      </Section>
    </Box>
  );
}
