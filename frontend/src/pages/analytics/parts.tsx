/** Pieces shared by the analytics and report pages: the range/grain bar, selects, tables. */
import Box from "@mui/material/Box";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import MenuItem from "@mui/material/MenuItem";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import type { ReactNode } from "react";

import { formatMoney } from "../../money/money";
import { GRAINS, RANGE_LABELS, RANGES, type AnalyticsRange } from "./range";
import { formatRate, metricKind } from "./summary";

export function SelectField(props: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (value: string) => void;
  labels?: Record<string, string>;
  name?: string;
}) {
  const { label, value, options, onChange, labels, name } = props;
  return (
    <TextField
      select
      size="small"
      label={label}
      name={name}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      sx={{ minWidth: 150 }}
    >
      {options.map((option) => (
        <MenuItem key={option} value={option}>
          {labels?.[option] ?? (option || "—")}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** Two date fields for a [from, to) window of days. */
export function DayWindowFields(props: {
  from: string;
  to: string;
  onChange: (changes: { from?: string; to?: string }) => void;
  error?: string;
}) {
  const { from, to, onChange, error } = props;
  const fields = [
    { key: "from" as const, label: "From", value: from },
    { key: "to" as const, label: "To (exclusive)", value: to },
  ];
  return (
    <>
      {fields.map((field) => (
        <TextField
          key={field.key}
          size="small"
          type="date"
          label={field.label}
          value={field.value}
          onChange={(event) => onChange({ [field.key]: event.target.value })}
          slotProps={{ inputLabel: { shrink: true } }}
          error={Boolean(error)}
          helperText={field.key === "from" ? error : undefined}
        />
      ))}
    </>
  );
}

/** Range and grain pickers writing `?range=`/`?grain=` (custom `from`/`to` dates too). */
export function RangeBar({
  range,
  showGrain = true,
  children,
}: {
  range: AnalyticsRange;
  showGrain?: boolean;
  children?: ReactNode;
}) {
  return (
    <Box sx={{ display: "flex", gap: 2, flexWrap: "wrap", alignItems: "center", mb: 2 }}>
      <SelectField
        label="Range"
        value={range.range}
        options={[...RANGES, "custom"]}
        labels={{ ...RANGE_LABELS, custom: "Custom" }}
        onChange={(value) =>
          value === "custom"
            ? range.set({ range: null, from: range.from, to: range.to })
            : range.set({ range: value, from: null, to: null })
        }
      />
      {range.range === "custom" && (
        <DayWindowFields
          from={range.from}
          to={range.to}
          onChange={(changes) => range.set(changes)}
        />
      )}
      {showGrain && (
        <SelectField
          label="Grain"
          value={range.grain}
          options={GRAINS}
          onChange={(value) => range.set({ grain: value })}
        />
      )}
      {children}
      <Typography variant="caption" color="text.secondary" data-testid="window">
        {range.from} → {range.to} (UTC, end exclusive)
      </Typography>
    </Box>
  );
}

/** A metric's value for display: money with its currency, rates as percent, counts as is. */
export function metricText(
  metric: string,
  value: number | null | undefined,
  currency: string | null | undefined,
): string {
  if (value === null || value === undefined) return "—";
  const kind = metricKind(metric);
  if (kind === "money") return currency ? formatMoney(value, currency) : String(value);
  if (kind === "rate") return formatRate(value);
  return String(value);
}

export interface TableColumn<T> {
  key: string;
  header: string;
  render: (row: T) => ReactNode;
  numeric?: boolean;
}

/** A plain table that scrolls inside its card on narrow screens (the page never does). */
export function DataTable<T>({
  rows,
  columns,
  label,
  rowKey,
  testId,
}: {
  rows: T[];
  columns: TableColumn<T>[];
  label: string;
  rowKey: (row: T, index: number) => string;
  testId?: string;
}) {
  return (
    // Focusable and named, so a keyboard can scroll a wide table on a phone.
    <Box role="region" aria-label={label} tabIndex={0} sx={{ overflowX: "auto", maxWidth: "100%" }}>
      <Table size="small" aria-label={label} data-testid={testId}>
        <TableHead>
          <TableRow>
            {columns.map((column) => (
              <TableCell
                key={column.key}
                align={column.numeric ? "right" : "left"}
                sx={{ whiteSpace: "nowrap" }}
              >
                {column.header}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((row, index) => (
            <TableRow key={rowKey(row, index)}>
              {columns.map((column) => (
                <TableCell
                  key={column.key}
                  align={column.numeric ? "right" : "left"}
                  sx={{ whiteSpace: "nowrap", fontVariantNumeric: "tabular-nums" }}
                >
                  {column.render(row)}
                </TableCell>
              ))}
            </TableRow>
          ))}
          {rows.length === 0 && (
            <TableRow>
              <TableCell colSpan={columns.length}>
                <Typography color="text.secondary">Nothing in this window.</Typography>
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
    </Box>
  );
}

/** Per-currency rows of metrics: one column per `[metric, header]`, values by metric kind. */
export function CurrencyMetricsTable({
  rows,
  metrics,
  label,
  testId,
}: {
  rows: [string, Record<string, number | null>][];
  metrics: [string, string][];
  label: string;
  testId?: string;
}) {
  return (
    <DataTable
      label={label}
      testId={testId}
      rows={rows}
      rowKey={([currency]) => currency}
      columns={[
        { key: "currency", header: "Currency", render: ([currency]) => currency.toUpperCase() },
        ...metrics.map(([metric, header]) => ({
          key: metric,
          header,
          numeric: true,
          render: ([currency, row]: [string, Record<string, number | null>]) =>
            metricText(metric, row[metric], currency),
        })),
      ]}
    />
  );
}

export function Section({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <Card variant="outlined" sx={{ mb: 3, minWidth: 0 }}>
      <CardContent>
        <Box sx={{ display: "flex", alignItems: "center", gap: 1, flexWrap: "wrap", mb: 1 }}>
          <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>
            {title}
          </Typography>
          {actions}
        </Box>
        {children}
      </CardContent>
    </Card>
  );
}

export const FIGURES_GRID = {
  display: "grid",
  gap: 2,
  gridTemplateColumns: { xs: "1fr", sm: "repeat(2, 1fr)", md: "repeat(4, 1fr)" },
  mb: 3,
};
