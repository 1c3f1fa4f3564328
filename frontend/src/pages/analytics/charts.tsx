/**
 * Recharts wrappers for the analytics pages, the report preview and home's gross-volume chart.
 * Loaded lazily (this module and recharts stay out of home's initial bundle). Values stay the
 * API's integers (minor units, counts, basis points); `format` turns one into display text.
 */
import Box from "@mui/material/Box";
import type { ReactElement } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

import type { ChartRows } from "./range";

/**
 * Tooltip rows in the text colour: recharts colours each row like its series, and the lighter
 * series colours fail WCAG contrast on the tooltip's white (axe: color-contrast).
 */
const TOOLTIP_ITEM = { color: "rgba(0, 0, 0, 0.87)" };

export const SERIES_COLORS = [
  "#1976d2",
  "#9c27b0",
  "#2e7d32",
  "#ed6c02",
  "#d32f2f",
  "#0288d1",
  "#6d4c41",
  "#455a64",
];

/** "2026-11-10T00:00:00+00:00" → "Nov 10" (day and coarser) or "Nov 10 14:00" (hours). */
export function periodLabel(start: string, hourly = false): string {
  const date = new Date(start);
  if (Number.isNaN(date.getTime())) return start;
  const text = date.toLocaleDateString("en-US", {
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
  return hourly ? `${text} ${String(date.getUTCHours()).padStart(2, "0")}:00` : text;
}

export interface LineChartProps {
  data: ChartRows;
  format: (value: number) => string;
  label: string;
  hourly?: boolean;
  height?: number;
  testId?: string;
}

/** The sized, labelled box a responsive chart fills (`role="img"` with the chart's name). */
function ChartFrame(props: {
  label: string;
  height: number;
  testId?: string;
  children: ReactElement;
}) {
  return (
    <Box
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
      sx={{ width: "100%", height: props.height, minWidth: 0 }}
    >
      <ResponsiveContainer width="100%" height="100%">
        {props.children}
      </ResponsiveContainer>
    </Box>
  );
}

/** One line per series key over the period starts. */
export function SeriesChart({
  data,
  format,
  label,
  hourly = false,
  height = 260,
  testId,
}: LineChartProps) {
  return (
    <ChartFrame label={label} height={height} testId={testId}>
      <LineChart data={data.rows} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis
          dataKey="start"
          tickFormatter={(value: string) => periodLabel(value, hourly)}
          minTickGap={24}
        />
        <YAxis tickFormatter={(value: number) => format(value)} width={88} allowDecimals={false} />
        <Tooltip
          itemStyle={TOOLTIP_ITEM}
          labelFormatter={(value) => periodLabel(String(value), hourly)}
          formatter={(value) => (typeof value === "number" ? format(value) : "—")}
        />
        {data.keys.length > 1 && <Legend />}
        {data.keys.map((key, index) => (
          <Line
            key={key}
            type="monotone"
            dataKey={key}
            name={key.toUpperCase()}
            stroke={SERIES_COLORS[index % SERIES_COLORS.length]}
            dot={false}
            isAnimationActive={false}
            connectNulls
          />
        ))}
      </LineChart>
    </ChartFrame>
  );
}

export interface BarSeries {
  key: string;
  label: string;
  color: string;
  stack?: string;
}

export interface BarsProps {
  rows: Record<string, string | number | null>[];
  categoryKey: string;
  series: BarSeries[];
  format: (value: number) => string;
  label: string;
  height?: number;
  testId?: string;
}

/** Bars per category (stacked when series share a `stack`), with a zero line for negatives. */
export function BarsChart({
  rows,
  categoryKey,
  series,
  format,
  label,
  height = 260,
  testId,
}: BarsProps) {
  return (
    <ChartFrame label={label} height={height} testId={testId}>
      <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey={categoryKey} />
        <YAxis tickFormatter={(value: number) => format(value)} width={88} allowDecimals={false} />
        <Tooltip
          itemStyle={TOOLTIP_ITEM}
          formatter={(value) => (typeof value === "number" ? format(value) : "—")}
        />
        <Legend />
        <ReferenceLine y={0} stroke="#666" />
        {series.map((item) => (
          <Bar
            key={item.key}
            dataKey={item.key}
            name={item.label}
            fill={item.color}
            stackId={item.stack}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ChartFrame>
  );
}
