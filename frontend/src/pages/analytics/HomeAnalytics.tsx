/**
 * Home's analytics: today's KPI tiles per currency (live from `/ws/dashboard`'s `summary`,
 * else `/analytics/summary` for today) each with its change against yesterday (the summary's
 * `comparison`), and the gross-volume chart of the last 30 days from `/analytics/timeseries`
 * (recharts loaded lazily, out of home's initial bundle).
 */
import Box from "@mui/material/Box";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Skeleton from "@mui/material/Skeleton";
import Typography from "@mui/material/Typography";
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, type ReactNode } from "react";
import { Link } from "react-router";

import { apiJson } from "../../api/client";
import { queryString } from "../../api/lists";
import { Money } from "../../components/common";
import { formatMoney } from "../../money/money";
import { pivotPoints, type TimeseriesPoint } from "./range";
import {
  amountChange,
  formatChange,
  formatRate,
  previousMetrics,
  rateChange,
  utcDay,
  type AnalyticsSummary,
  type Change,
  type CurrencyMetrics,
  type SummaryFigures,
} from "./summary";

const SeriesChart = lazy(() => import("./charts").then((m) => ({ default: m.SeriesChart })));

/** `/analytics/summary` for one UTC day with the previous day as comparison. */
export function useDaySummary(day: string, enabled: boolean) {
  return useQuery({
    queryKey: ["/analytics/summary", day],
    queryFn: () =>
      apiJson<AnalyticsSummary>(
        `/analytics/summary${queryString({ from: day, to: utcDay(new Date(`${day}T00:00:00Z`), 1), timezone: "UTC", compare: "previous_period" })}`,
      ),
    enabled,
  });
}

function changeColor(change: Change, higherIsBetter: boolean): string {
  const sign =
    change.kind === "percent"
      ? Math.sign(change.tenths)
      : change.kind === "points"
        ? Math.sign(change.bps)
        : 0;
  if (sign === 0) return "text.secondary";
  return sign > 0 === higherIsBetter ? "success.main" : "error.main";
}

/**
 * A KPI card: label, value (its integer in `data-value`, so tests compare exact numbers) and,
 * when given, the change against the previous period.
 */
export function Tile(props: {
  label: string;
  value: ReactNode;
  raw?: number | null;
  change?: Change;
  testId?: string;
  higherIsBetter?: boolean;
}) {
  const { label, value, raw, change, testId, higherIsBetter = true } = props;
  return (
    <Card variant="outlined" sx={{ height: "100%" }}>
      <CardContent>
        <Typography variant="body2" color="text.secondary">
          {label}
        </Typography>
        <Typography
          variant="h5"
          component="p"
          data-testid={testId}
          data-value={raw ?? ""}
          sx={{ fontVariantNumeric: "tabular-nums" }}
        >
          {value}
        </Typography>
        {change && (
          <Typography
            variant="caption"
            data-testid={testId && `${testId}-change`}
            sx={{ color: changeColor(change, higherIsBetter) }}
          >
            {formatChange(change)}{" "}
            <Box component="span" sx={{ color: "text.secondary" }}>
              vs yesterday
            </Box>
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}

const GRID = {
  display: "grid",
  gap: 2,
  gridTemplateColumns: { xs: "1fr", sm: "repeat(2, 1fr)", md: "repeat(3, 1fr)" },
  mb: 3,
};

export function CurrencySummaryTiles({
  currency,
  today,
  previous,
}: {
  currency: string;
  today: CurrencyMetrics;
  previous: CurrencyMetrics | undefined;
}) {
  const upper = currency.toUpperCase();
  return (
    <Box sx={GRID} data-currency={currency}>
      <Tile
        label={`Gross volume · ${upper}`}
        value={<Money amount={today.gross_volume} currency={currency} />}
        raw={today.gross_volume}
        change={amountChange(today.gross_volume, previous?.gross_volume)}
        testId={`tile-gross-${currency}`}
      />
      <Tile
        label={`Net volume · ${upper}`}
        value={<Money amount={today.net_volume} currency={currency} />}
        raw={today.net_volume}
        change={amountChange(today.net_volume, previous?.net_volume)}
        testId={`tile-net-${currency}`}
      />
      <Tile
        label="Successful payments"
        value={today.successful_payment_count}
        raw={today.successful_payment_count}
        change={amountChange(today.successful_payment_count, previous?.successful_payment_count)}
        testId={`tile-count-${currency}`}
      />
      <Tile
        label="Authorization rate"
        value={formatRate(today.authorization_rate_bps)}
        raw={today.authorization_rate_bps}
        change={rateChange(today.authorization_rate_bps, previous?.authorization_rate_bps)}
        testId={`tile-rate-${currency}`}
      />
      <Tile
        label="Refund rate"
        value={formatRate(today.refund_rate_bps)}
        raw={today.refund_rate_bps}
        change={rateChange(today.refund_rate_bps, previous?.refund_rate_bps)}
        testId={`tile-refund-rate-${currency}`}
        higherIsBetter={false}
      />
      <Tile
        label="Dispute rate"
        value={formatRate(today.dispute_rate_bps)}
        raw={today.dispute_rate_bps}
        change={rateChange(today.dispute_rate_bps, previous?.dispute_rate_bps)}
        testId={`tile-dispute-rate-${currency}`}
        higherIsBetter={false}
      />
    </Box>
  );
}

/** Today's tiles: `live` (the WebSocket summary) when it has arrived, else the REST summary. */
export function SummaryTiles({
  live,
  rest,
}: {
  live: SummaryFigures | null;
  rest: AnalyticsSummary | undefined;
}) {
  const today = live ?? rest ?? null;
  if (!today) return null;
  const previous = rest?.comparison ?? undefined;
  const currencies = Object.keys(today.currencies).sort();
  return (
    <Box>
      {currencies.map((currency) => (
        <CurrencySummaryTiles
          key={currency}
          currency={currency}
          today={today.currencies[currency]!}
          previous={previousMetrics(rest, currency)}
        />
      ))}
      <Box sx={GRID}>
        <Tile
          label="New customers"
          value={today.new_customers}
          raw={today.new_customers}
          change={amountChange(today.new_customers, previous?.new_customers)}
          testId="tile-new-customers"
        />
      </Box>
    </Box>
  );
}

/** Gross volume per day of the last 30 UTC days, one line per currency. */
export function GrossVolumeCard({ today, enabled }: { today: string; enabled: boolean }) {
  const from = utcDay(new Date(`${today}T00:00:00Z`), -29);
  const to = utcDay(new Date(`${today}T00:00:00Z`), 1);
  const series = useQuery({
    queryKey: ["/analytics/timeseries", "gross_volume", "day", from, to],
    queryFn: () =>
      apiJson<{ points: TimeseriesPoint[] }>(
        `/analytics/timeseries${queryString({ metric: "gross_volume", interval: "day", from, to, timezone: "UTC" })}`,
      ),
    enabled,
  });
  const data = series.data ? pivotPoints(series.data.points) : null;
  const currency = data?.keys[0];
  return (
    <Card variant="outlined" sx={{ mb: 3 }}>
      <CardContent>
        <Box sx={{ display: "flex", alignItems: "baseline", gap: 1, flexWrap: "wrap" }}>
          <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>
            Gross volume, last 30 days
          </Typography>
          <Link to="/analytics/revenue">Revenue analytics</Link>
        </Box>
        {!data && <Skeleton variant="rectangular" height={220} />}
        {data && !currency && (
          <Typography color="text.secondary">No volume in the last 30 days.</Typography>
        )}
        {data && currency && (
          <Suspense fallback={<Skeleton variant="rectangular" height={220} />}>
            {data.keys.map((key) => (
              <SeriesChart
                key={key}
                data={{ rows: data.rows, keys: [key] }}
                format={(value) => formatMoney(value, key)}
                label={`Gross volume per day in ${key.toUpperCase()}`}
                height={220}
                testId={`gross-volume-chart-${key}`}
              />
            ))}
          </Suspense>
        )}
      </CardContent>
    </Card>
  );
}
