/**
 * The report builder (FRONTEND.md `reports`, `reports/new`, `reports/:id`; ANALYTICS.md §2):
 *  - `reports`: the saved reports (cursor-paged, URL state);
 *  - `reports/new`: the builder (source, metrics, dimensions, filters, grain, range, timezone,
 *    sort, limit), its draft held in the URL (`?definition=`), validated on the client with the
 *    server's rules and previewed live (`POST /reports/preview`, chart and table); save;
 *  - `reports/:id`: the saved definition with its preview, run (`?run=` in the URL, polled while
 *    pending), the run's rows, CSV download, schedule and delete.
 */
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Checkbox from "@mui/material/Checkbox";
import Chip from "@mui/material/Chip";
import FormControlLabel from "@mui/material/FormControlLabel";
import FormGroup from "@mui/material/FormGroup";
import FormLabel from "@mui/material/FormLabel";
import IconButton from "@mui/material/IconButton";
import Skeleton from "@mui/material/Skeleton";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useDeferredValue, useEffect, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";

import { apiJson } from "../../api/client";
import { downloadFile } from "../../api/download";
import { ApiError } from "../../api/errors";
import { useAuth } from "../../auth/AuthProvider";
import { ErrorAlert, Money, PageHeader, StatusChip, timestamp } from "../../components/common";
import ResourceList from "../../components/ResourceList";
import { formatMoney } from "../../money/money";
import { BarsChart, SERIES_COLORS, SeriesChart } from "../analytics/charts";
import { DataTable, DayWindowFields, Section, SelectField } from "../analytics/parts";
import { RANGE_LABELS } from "../analytics/range";
import { metricLabel } from "../analytics/summary";
import {
  CATALOG,
  emptyDefinition,
  fieldKind,
  filterValueFromText,
  filterValueToText,
  isMoneyMetric,
  validateDefinition,
  type DefinitionError,
  type FilterOp,
  type ReportDefinition,
} from "./definition";
import { reportChart, type ReportRow } from "./preview";

interface Report {
  id: string;
  name: string;
  definition: ReportDefinition;
  schedule: Schedule | null;
  next_run_at: number | string | null;
  created: number | string;
}

interface Schedule {
  frequency: "daily" | "weekly" | "monthly";
  hour: number;
  day_of_week: number | null;
  day_of_month: number | null;
  timezone: string;
  delivery: { emails: string[]; webhook: boolean };
}

interface ReportRun {
  id: string;
  report: string;
  status: "pending" | "running" | "succeeded" | "failed";
  row_count: number | null;
  rows: ReportRow[] | null;
  file: { format: string; size: number } | null;
  result_available_until: number | string | null;
  error: string | null;
  created: number | string;
}

interface Preview {
  columns: string[];
  rows: ReportRow[];
  truncated: boolean;
}

export function ReportsListPage() {
  const auth = useAuth();
  return (
    <Box>
      <PageHeader
        title="Reports"
        actions={
          auth.can("reports:write") && (
            <Button variant="contained" component={Link} to="/reports/new" sx={{ minHeight: 44 }}>
              New report
            </Button>
          )
        }
      />
      <ResourceList<Report>
        path="/reports"
        columns={[
          { field: "name", header: "Name" },
          { field: "source", header: "Source", render: (row) => row.definition.source },
          {
            field: "metrics",
            header: "Metrics",
            render: (row) => row.definition.metrics.join(", "),
          },
          {
            field: "schedule",
            header: "Schedule",
            render: (row) => row.schedule?.frequency ?? "—",
          },
          { field: "created", header: "Created (UTC)", render: (row) => timestamp(row.created) },
        ]}
        rowLink={(row) => `/reports/${row.id}`}
      />
    </Box>
  );
}

/** The definition to send: empty optional parts dropped, as the server normalizes them. */
function toBody(definition: ReportDefinition): ReportDefinition {
  const body: ReportDefinition = { ...definition };
  if (!body.interval) delete body.interval;
  if (!body.date_range) delete body.date_range;
  if (!body.sort?.length) delete body.sort;
  return body;
}

function readDraft(text: string | null): ReportDefinition {
  if (!text) return emptyDefinition();
  try {
    const parsed = JSON.parse(text) as Partial<ReportDefinition>;
    return {
      ...emptyDefinition(),
      ...parsed,
      filters: parsed.filters ?? [],
      dimensions: parsed.dimensions ?? [],
      metrics: parsed.metrics ?? [],
    };
  } catch {
    return emptyDefinition();
  }
}

function errorFor(errors: DefinitionError[], prefix: string): string | undefined {
  return errors.find((error) => error.param === prefix || error.param.startsWith(`${prefix}[`))
    ?.message;
}

/** The live preview of a definition (debounced by React's deferred value; only when valid). */
function usePreview(definition: ReportDefinition, valid: boolean) {
  const body = useDeferredValue(JSON.stringify(toBody(definition)));
  const [settled, setSettled] = useState(body);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(body), 300);
    return () => clearTimeout(timer);
  }, [body]);
  return useQuery({
    queryKey: ["/reports/preview", settled],
    queryFn: () => apiJson<Preview>("/reports/preview", { method: "POST", body: settled }),
    enabled: valid && settled === body,
    placeholderData: (previous) => previous,
    retry: false,
  });
}

function cellText(column: string, row: ReportRow): React.ReactNode {
  const value = row[column];
  if (value === null || value === undefined) return "—";
  if (typeof value === "number" && typeof row.currency === "string" && `${column}_decimal` in row) {
    return <Money amount={value} currency={row.currency} />;
  }
  return String(value);
}

/** A report's rows as a chart and a table (preview or run). */
export function ReportResult({
  definition,
  columns,
  rows,
  testId,
}: {
  definition: ReportDefinition;
  columns: string[];
  rows: ReportRow[];
  testId: string;
}) {
  const chart = reportChart(definition, rows);
  const format = (value: number) =>
    chart?.currency ? formatMoney(value, chart.currency) : String(value);
  const label = chart
    ? `${metricLabel(chart.metric)} per ${chart.kind === "line" ? "period" : definition.dimensions.join(", ") || "report"}`
    : "";
  return (
    <Box>
      {chart?.kind === "line" && (
        <SeriesChart
          data={chart.data}
          format={format}
          label={label}
          testId={`${testId}-chart`}
          height={240}
        />
      )}
      {chart?.kind === "bar" && (
        <BarsChart
          rows={chart.data.rows}
          categoryKey="category"
          series={[
            { key: chart.metric, label: metricLabel(chart.metric), color: SERIES_COLORS[0]! },
          ]}
          format={format}
          label={label}
          testId={`${testId}-chart`}
          height={240}
        />
      )}
      <DataTable
        label="Report rows"
        testId={`${testId}-table`}
        rows={rows}
        rowKey={(_row, index) => String(index)}
        columns={columns.map((column) => ({
          key: column,
          header: column,
          numeric: definition.metrics.includes(column),
          render: (row: ReportRow) => cellText(column, row),
        }))}
      />
    </Box>
  );
}

const OP_LABELS: Record<string, string> = {
  eq: "=",
  neq: "≠",
  in: "in",
  nin: "not in",
  gte: "≥",
  gt: ">",
  lte: "≤",
  lt: "<",
  between: "between",
  is_null: "is empty",
};

/** The builder's form; every change goes through `onChange` (the URL draft). */
function Builder({
  definition,
  onChange,
  errors,
}: {
  definition: ReportDefinition;
  onChange: (next: ReportDefinition) => void;
  errors: DefinitionError[];
}) {
  const source = CATALOG.sources[definition.source];
  const [filterTexts, setFilterTexts] = useState<string[]>(() =>
    definition.filters.map((item) => filterValueToText(item.value)),
  );
  // A fresh builder does not greet the user with "name is required" before they typed one.
  const [nameTouched, setNameTouched] = useState(definition.name !== "");
  const update = (changes: Partial<ReportDefinition>) => onChange({ ...definition, ...changes });
  const toggle = (list: string[], item: string) =>
    list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
  const range = definition.date_range;
  const sortKey = definition.sort?.[0] ?? "";
  const sortColumns = [
    ...definition.dimensions,
    ...definition.metrics,
    ...(definition.interval ? ["period"] : []),
  ];
  const setFilter = (index: number, changes: { field?: string; op?: FilterOp; text?: string }) => {
    const texts = [...filterTexts];
    if (changes.text !== undefined) texts[index] = changes.text;
    setFilterTexts(texts);
    const current = definition.filters[index]!;
    const field = changes.field ?? current.field;
    const op = changes.op ?? current.op;
    const kind = (source && fieldKind(source, field)) ?? "text";
    const filters = [...definition.filters];
    filters[index] = { field, op, value: filterValueFromText(kind, op, texts[index] ?? "") };
    update({ filters });
  };
  return (
    <Box sx={{ display: "grid", gap: 2 }}>
      <Box sx={{ display: "flex", gap: 2, flexWrap: "wrap" }}>
        <TextField
          size="small"
          label="Name"
          value={definition.name}
          onChange={(event) => {
            setNameTouched(true);
            update({ name: event.target.value });
          }}
          error={nameTouched && Boolean(errorFor(errors, "name"))}
          helperText={nameTouched ? errorFor(errors, "name") : "Required to save"}
          sx={{ minWidth: 240 }}
        />
        <SelectField
          label="Source"
          value={definition.source}
          options={Object.keys(CATALOG.sources)}
          labels={Object.fromEntries(
            Object.keys(CATALOG.sources).map((name) => [name, metricLabel(name)]),
          )}
          onChange={(value) => {
            setFilterTexts([]);
            onChange({
              ...definition,
              source: value,
              metrics: ["count"],
              dimensions: [],
              filters: [],
              sort: [],
            });
          }}
        />
      </Box>
      {source && (
        <>
          <Box component="fieldset" sx={{ border: 0, p: 0, m: 0 }}>
            <FormLabel component="legend" error={Boolean(errorFor(errors, "metrics"))}>
              Metrics {errorFor(errors, "metrics") && `— ${errorFor(errors, "metrics")}`}
            </FormLabel>
            <FormGroup row>
              {Object.entries(source.metrics).map(([metric, money]) => (
                <FormControlLabel
                  key={metric}
                  control={
                    <Checkbox
                      checked={definition.metrics.includes(metric)}
                      onChange={() => update({ metrics: toggle(definition.metrics, metric) })}
                    />
                  }
                  label={`${metricLabel(metric)}${money ? " (money)" : ""}`}
                />
              ))}
            </FormGroup>
          </Box>
          <Box component="fieldset" sx={{ border: 0, p: 0, m: 0 }}>
            <FormLabel component="legend" error={Boolean(errorFor(errors, "dimensions"))}>
              Dimensions (group by){" "}
              {errorFor(errors, "dimensions") && `— ${errorFor(errors, "dimensions")}`}
            </FormLabel>
            <FormGroup row>
              {Object.keys(source.fields)
                .filter((field) => source.fields[field] !== "time")
                .map((field) => (
                  <FormControlLabel
                    key={field}
                    control={
                      <Checkbox
                        checked={definition.dimensions.includes(field)}
                        onChange={() =>
                          update({ dimensions: toggle(definition.dimensions, field) })
                        }
                      />
                    }
                    label={metricLabel(field)}
                  />
                ))}
            </FormGroup>
          </Box>
          <Box>
            <FormLabel component="div">Filters</FormLabel>
            {definition.filters.map((item, index) => (
              <Box
                key={index}
                sx={{ display: "flex", gap: 1, flexWrap: "wrap", alignItems: "flex-start", my: 1 }}
                data-testid={`filter-${index}`}
              >
                <SelectField
                  label={`Filter ${index + 1} field`}
                  value={item.field}
                  options={Object.keys(source.fields)}
                  onChange={(value) => setFilter(index, { field: value })}
                />
                <SelectField
                  label={`Filter ${index + 1} op`}
                  value={item.op}
                  options={CATALOG.ops}
                  labels={OP_LABELS}
                  onChange={(value) => setFilter(index, { op: value as FilterOp })}
                />
                <TextField
                  size="small"
                  label={`Filter ${index + 1} value`}
                  value={filterTexts[index] ?? ""}
                  onChange={(event) => setFilter(index, { text: event.target.value })}
                  error={Boolean(errorFor(errors, `filters[${index}]`))}
                  helperText={
                    errorFor(errors, `filters[${index}]`) ??
                    (item.op === "in" || item.op === "nin" || item.op === "between"
                      ? "comma-separated"
                      : item.op === "is_null"
                        ? "true or false"
                        : undefined)
                  }
                />
                <IconButton
                  aria-label={`Remove filter ${index + 1}`}
                  onClick={() => {
                    setFilterTexts(filterTexts.filter((_x, i) => i !== index));
                    update({ filters: definition.filters.filter((_x, i) => i !== index) });
                  }}
                  sx={{ minWidth: 44, minHeight: 44 }}
                >
                  ×
                </IconButton>
              </Box>
            ))}
            <Button
              size="small"
              onClick={() => {
                setFilterTexts([...filterTexts, ""]);
                update({
                  filters: [...definition.filters, { field: "status", op: "eq", value: "" }],
                });
              }}
              sx={{ minHeight: 44 }}
            >
              Add filter
            </Button>
          </Box>
          <Box sx={{ display: "flex", gap: 2, flexWrap: "wrap", alignItems: "flex-start" }}>
            <SelectField
              label="Grain"
              value={definition.interval ?? ""}
              options={["", ...CATALOG.intervals]}
              labels={{ "": "No grain (totals)" }}
              onChange={(value) =>
                update({
                  interval: value || null,
                  sort: (definition.sort ?? []).filter((item) => value || !item.endsWith("period")),
                })
              }
            />
            <SelectField
              label="Date range"
              value={!range ? "" : range.type === "relative" ? range.value : "custom"}
              options={["", ...CATALOG.relative_ranges, "custom"]}
              labels={{ "": "All time", custom: "Custom", ...RANGE_LABELS }}
              onChange={(value) =>
                update({
                  date_range: !value
                    ? null
                    : value === "custom"
                      ? { type: "absolute", value: { from: "", to: "" } }
                      : { type: "relative", value },
                })
              }
            />
            {range?.type === "absolute" && (
              <DayWindowFields
                from={range.value.from}
                to={range.value.to}
                onChange={(changes) =>
                  update({
                    date_range: { type: "absolute", value: { ...range.value, ...changes } },
                  })
                }
                error={errorFor(errors, "date_range")}
              />
            )}
            <TextField
              size="small"
              label="Timezone"
              value={definition.timezone ?? "UTC"}
              onChange={(event) => update({ timezone: event.target.value })}
              error={Boolean(errorFor(errors, "timezone"))}
              helperText={errorFor(errors, "timezone")}
            />
            <SelectField
              label="Sort by"
              value={sortKey.replace(/^-/, "")}
              options={["", ...sortColumns]}
              labels={{ "": "Default" }}
              onChange={(value) =>
                update({ sort: value ? [sortKey.startsWith("-") ? `-${value}` : value] : [] })
              }
            />
            <FormControlLabel
              control={
                <Checkbox
                  checked={sortKey.startsWith("-")}
                  disabled={!sortKey}
                  onChange={(event) =>
                    update({
                      sort: [event.target.checked ? `-${sortKey}` : sortKey.replace(/^-/, "")],
                    })
                  }
                />
              }
              label="Descending"
            />
            <TextField
              size="small"
              type="number"
              label="Row limit"
              value={definition.limit ?? 1000}
              onChange={(event) =>
                update({ limit: /^\d+$/.test(event.target.value) ? Number(event.target.value) : 0 })
              }
              error={Boolean(errorFor(errors, "limit"))}
              helperText={errorFor(errors, "limit")}
              sx={{ width: 140 }}
            />
          </Box>
        </>
      )}
    </Box>
  );
}

function PreviewSection({
  definition,
  errors,
}: {
  definition: ReportDefinition;
  errors: DefinitionError[];
}) {
  const preview = usePreview(definition, errors.length === 0);
  return (
    <Section
      title="Preview"
      actions={preview.isFetching && <Chip size="small" label="updating…" />}
    >
      {errors.length > 0 && (
        <Alert severity="warning" data-testid="definition-errors">
          {errors.map((error) => (
            <div key={`${error.param}-${error.message}`}>
              <code>{error.param}</code>: {error.message}
            </div>
          ))}
        </Alert>
      )}
      <ErrorAlert error={errors.length ? null : preview.error} />
      {!errors.length && !preview.data && !preview.error && (
        <Skeleton variant="rectangular" height={200} />
      )}
      {!errors.length && preview.data && (
        <>
          <ReportResult
            definition={definition}
            columns={preview.data.columns}
            rows={preview.data.rows}
            testId="preview"
          />
          <Typography variant="caption" color="text.secondary" data-testid="preview-count">
            {preview.data.rows.length} rows
            {preview.data.truncated ? " (first 200; run the report for all)" : ""}
          </Typography>
        </>
      )}
    </Section>
  );
}

export function ReportBuilderPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const auth = useAuth();
  // The draft is component state (a controlled form updates at once) written through to the
  // URL, so the builder's state can be linked and survives a reload.
  const [definition, change] = useState(() => readDraft(params.get("definition")));
  useEffect(() => {
    setParams(
      (current) => {
        const out = new URLSearchParams(current);
        out.set("definition", JSON.stringify(definition));
        return out;
      },
      { replace: true },
    );
  }, [definition, setParams]);
  const errors = validateDefinition(definition);
  const previewErrors = errors.filter((error) => error.param !== "name");
  const save = useMutation({
    mutationFn: () =>
      apiJson<Report>("/reports", { method: "POST", body: JSON.stringify(toBody(definition)) }),
    onSuccess: (report) => {
      void queryClient.invalidateQueries({ queryKey: ["/reports"] });
      navigate(`/reports/${report.id}`);
    },
  });
  return (
    <Box>
      <PageHeader
        title="New report"
        actions={
          auth.can("reports:write") && (
            <Button
              variant="contained"
              disabled={errors.length > 0 || save.isPending}
              onClick={() => save.mutate()}
              sx={{ minHeight: 44 }}
            >
              Save report
            </Button>
          )
        }
      />
      <ErrorAlert error={save.error} />
      <Section title="Definition">
        <Builder
          definition={definition}
          onChange={change}
          errors={[...errors, ...serverErrors(save.error)]}
        />
      </Section>
      <PreviewSection
        definition={{ ...definition, name: definition.name || "preview" }}
        errors={previewErrors}
      />
    </Box>
  );
}

/** The server's refusal as a builder error on the field it names. */
function serverErrors(error: unknown): DefinitionError[] {
  return error instanceof ApiError && error.param
    ? [{ param: error.param, message: error.message }]
    : [];
}

/** The run's CSV through the API with the user's token, saved as `<run id>.csv`. */
export function downloadRunCsv(runId: string): Promise<void> {
  return downloadFile(`/report_runs/${runId}/download`, `${runId}.csv`);
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

function ScheduleForm({ report, onSaved }: { report: Report; onSaved: (report: Report) => void }) {
  const current = report.schedule;
  const [frequency, setFrequency] = useState<string>(current?.frequency ?? "daily");
  const [hour, setHour] = useState(String(current?.hour ?? 6));
  const [dayOfWeek, setDayOfWeek] = useState(String(current?.day_of_week ?? 0));
  const [dayOfMonth, setDayOfMonth] = useState(String(current?.day_of_month ?? 1));
  const [timezone, setTimezone] = useState(current?.timezone ?? "UTC");
  const [emails, setEmails] = useState((current?.delivery.emails ?? []).join(", "));
  const [webhook, setWebhook] = useState(current?.delivery.webhook ?? false);
  const save = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = {
        frequency,
        hour: Number(hour),
        timezone,
        delivery: {
          emails: emails
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean),
          webhook,
        },
      };
      if (frequency === "weekly") body.day_of_week = Number(dayOfWeek);
      if (frequency === "monthly") body.day_of_month = Number(dayOfMonth);
      return apiJson<Report>(`/reports/${report.id}/schedule`, {
        method: "POST",
        body: JSON.stringify(body),
      });
    },
    onSuccess: onSaved,
  });
  const param = save.error instanceof ApiError ? save.error.param : null;
  const hours = Array.from({ length: 24 }, (_x, i) => String(i));
  return (
    <Box>
      {current && (
        <Typography sx={{ mb: 1 }} data-testid="schedule-current">
          {current.frequency} at {String(current.hour).padStart(2, "0")}:00 {current.timezone}
          {current.day_of_week !== null ? ` on ${WEEKDAYS[current.day_of_week]}` : ""}
          {current.day_of_month !== null ? ` on day ${current.day_of_month}` : ""} · next run{" "}
          {timestamp(report.next_run_at)} UTC
        </Typography>
      )}
      <Box sx={{ display: "flex", gap: 2, flexWrap: "wrap", alignItems: "flex-start" }}>
        <SelectField
          label="Frequency"
          value={frequency}
          options={["daily", "weekly", "monthly"]}
          onChange={setFrequency}
        />
        <SelectField label="Hour" value={hour} options={hours} onChange={setHour} />
        {frequency === "weekly" && (
          <SelectField
            label="Day of week"
            value={dayOfWeek}
            options={WEEKDAYS.map((_x, i) => String(i))}
            labels={Object.fromEntries(WEEKDAYS.map((d, i) => [String(i), d]))}
            onChange={setDayOfWeek}
          />
        )}
        {frequency === "monthly" && (
          <SelectField
            label="Day of month"
            value={dayOfMonth}
            options={Array.from({ length: 28 }, (_x, i) => String(i + 1))}
            onChange={setDayOfMonth}
          />
        )}
        <TextField
          size="small"
          label="Schedule timezone"
          value={timezone}
          onChange={(event) => setTimezone(event.target.value)}
          error={param === "timezone"}
        />
        <TextField
          size="small"
          label="Email to (comma-separated)"
          value={emails}
          onChange={(event) => setEmails(event.target.value)}
          error={Boolean(param?.startsWith("delivery"))}
          sx={{ minWidth: 260 }}
        />
        <FormControlLabel
          control={
            <Checkbox checked={webhook} onChange={(event) => setWebhook(event.target.checked)} />
          }
          label="Webhook (report_run.succeeded)"
        />
        <Button
          variant="outlined"
          onClick={() => save.mutate()}
          disabled={save.isPending}
          sx={{ minHeight: 44 }}
        >
          Save schedule
        </Button>
      </Box>
      <ErrorAlert error={save.error} />
    </Box>
  );
}

export function ReportDetailPage() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const auth = useAuth();
  const canWrite = auth.can("reports:write");
  const report = useQuery({
    queryKey: ["/reports", id],
    queryFn: () => apiJson<Report>(`/reports/${id}`),
  });
  const runId = params.get("run");
  const run = useQuery({
    queryKey: ["/report_runs", runId],
    queryFn: () => apiJson<ReportRun>(`/report_runs/${runId}`),
    enabled: Boolean(runId),
    refetchInterval: (query) =>
      query.state.data &&
      (query.state.data.status === "pending" || query.state.data.status === "running")
        ? 1000
        : false,
  });
  const start = useMutation({
    mutationFn: () => apiJson<ReportRun>(`/reports/${id}/run`, { method: "POST" }),
    onSuccess: (started) => {
      queryClient.setQueryData(["/report_runs", started.id], started);
      setParams({ run: started.id });
    },
  });
  const download = useMutation({ mutationFn: (target: string) => downloadRunCsv(target) });
  const remove = useMutation({
    mutationFn: () => apiJson(`/reports/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["/reports"] });
      navigate("/reports");
    },
  });
  if (report.error) return <ErrorAlert error={report.error} />;
  if (!report.data) return <Skeleton variant="rectangular" height={200} />;
  const definition = report.data.definition;
  const moneyMetrics = definition.metrics.filter((metric) =>
    isMoneyMetric(definition.source, metric),
  );
  const columns = [
    ...(definition.interval ? ["period"] : []),
    ...definition.dimensions,
    ...definition.metrics,
    ...(moneyMetrics.length && !definition.dimensions.includes("currency") ? ["currency"] : []),
  ];
  return (
    <Box>
      <PageHeader
        title={report.data.name}
        actions={
          <>
            <Button
              component={Link}
              to={`/reports/new?definition=${encodeURIComponent(JSON.stringify({ ...definition, name: `${definition.name} (copy)` }))}`}
              sx={{ minHeight: 44 }}
            >
              Edit as new
            </Button>
            {canWrite && (
              <Button
                color="error"
                onClick={() =>
                  window.confirm(
                    "Delete this report? Its runs stay downloadable until they expire.",
                  ) && remove.mutate()
                }
                sx={{ minHeight: 44 }}
              >
                Delete
              </Button>
            )}
            {canWrite && (
              <Button
                variant="contained"
                onClick={() => start.mutate()}
                disabled={start.isPending}
                sx={{ minHeight: 44 }}
              >
                Run report
              </Button>
            )}
          </>
        }
      />
      <ErrorAlert error={start.error ?? remove.error} />
      <Section title="Definition">
        <Typography data-testid="report-definition">
          {metricLabel(definition.source)}: {definition.metrics.join(", ")}
          {definition.dimensions.length ? ` by ${definition.dimensions.join(", ")}` : ""}
          {definition.interval ? ` per ${definition.interval}` : ""}
          {definition.date_range
            ? ` · ${definition.date_range.type === "relative" ? definition.date_range.value : `${definition.date_range.value.from} → ${definition.date_range.value.to}`}`
            : " · all time"}{" "}
          · {definition.timezone}
          {definition.filters.length
            ? ` · where ${definition.filters.map((f) => `${f.field} ${OP_LABELS[f.op]} ${filterValueToText(f.value)}`).join(" and ")}`
            : ""}
        </Typography>
      </Section>
      {runId && (
        <Section
          title="Run"
          actions={
            run.data?.status === "succeeded" && (
              <Button
                variant="outlined"
                onClick={() => download.mutate(run.data!.id)}
                disabled={download.isPending}
                sx={{ minHeight: 44 }}
              >
                Download CSV
              </Button>
            )
          }
        >
          <ErrorAlert error={run.error ?? download.error} />
          {run.data && (
            <>
              <Box sx={{ display: "flex", gap: 1, alignItems: "center", flexWrap: "wrap", mb: 1 }}>
                <Typography data-testid="run-id">{run.data.id}</Typography>
                <StatusChip status={run.data.status} />
                {run.data.row_count !== null && (
                  <Typography data-testid="run-row-count">{run.data.row_count} rows</Typography>
                )}
                {run.data.file && (
                  <Typography color="text.secondary">
                    CSV {run.data.file.size} bytes · available until{" "}
                    {timestamp(run.data.result_available_until)} UTC
                  </Typography>
                )}
              </Box>
              {run.data.error && <Alert severity="error">{run.data.error}</Alert>}
              {run.data.rows && (
                <ReportResult
                  definition={definition}
                  columns={columns}
                  rows={run.data.rows}
                  testId="run"
                />
              )}
              {run.data.status === "succeeded" && !run.data.rows && (
                <Typography color="text.secondary">
                  More than 1,000 rows: download the CSV.
                </Typography>
              )}
            </>
          )}
        </Section>
      )}
      {!runId && <PreviewSection definition={definition} errors={[]} />}
      {canWrite && (
        <Section title="Schedule">
          <ScheduleForm
            report={report.data}
            onSaved={(saved) => queryClient.setQueryData(["/reports", id], saved)}
          />
        </Section>
      )}
    </Box>
  );
}
