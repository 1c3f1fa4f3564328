/**
 * Regulatory reports (ANALYTICS.md §4, `/compliance/reports…`, `compliance:read`):
 *  - `compliance/reports`: the merchant's reports (platform-wide ones too for staff), newest
 *    first, filtered by kind in the URL; "New report" (`reports:write`, `?dialog=create`) asks
 *    for a kind and a period of UTC days [start, end), checked on the client first
 *    (`reportRequestBody`), and opens the new report. Generation runs in Celery: the list polls
 *    while a report is pending.
 *  - `compliance/reports/:id`: kind, status, period, rows, the chain verification of an audit
 *    export, the generator's parameters (e.g. thresholds), an error; when generated, "Download
 *    CSV", "Download JSON" (through the API with the user's token) and "View result" (the JSON's
 *    columns and rows as a table, `?view=table`). Polls while pending. Each download (and each
 *    view) is audited by the server.
 */
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useParams, useNavigate } from "react-router";

import { apiJson } from "../../api/client";
import { downloadFile } from "../../api/download";
import { ApiError } from "../../api/errors";
import type { ListPage } from "../../api/types";
import type { components } from "../../api/schema";
import { useAuth } from "../../auth/AuthProvider";
import {
  ErrorAlert,
  Field,
  JsonView,
  PageHeader,
  StatusChip,
  timestamp,
} from "../../components/common";
import ResourcePage from "../../components/ResourcePage";
import { useUrlState } from "../../hooks/useUrlState";
import { DataTable } from "../analytics/parts";
import NotFoundPage from "../NotFoundPage";
import { defaultPeriod, REPORT_KINDS, reportRequestBody } from "./reportRequest";

export type ComplianceReport = components["schemas"]["ComplianceReport"];

/** The report's JSON download: its columns and rows (plus what the generator adds). */
interface ReportResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

const POLL_MS = 1000;
const VIEW_ROWS = 200;
const KIND_OPTIONS = Object.keys(REPORT_KINDS);

/** "2026-11-01 – 2026-12-01" (the period's UTC days, end exclusive). */
function period(report: ComplianceReport): string {
  return `${report.period_start.slice(0, 10)} – ${report.period_end.slice(0, 10)}`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export function ComplianceReportsPage() {
  const navigate = useNavigate();
  const period0 = defaultPeriod();
  return (
    <ResourcePage<ComplianceReport>
      title="Regulatory reports"
      path="/compliance/reports"
      filters={[{ name: "kind", label: "Kind", options: KIND_OPTIONS }]}
      rowLink={(row) => `/compliance/reports/${row.id}`}
      refetchInterval={(page: ListPage<ComplianceReport> | undefined) =>
        page?.data.some((report) => report.status === "pending") ? POLL_MS : false
      }
      columns={[
        { field: "kind", header: "Kind", render: (row) => row.kind.replace(/_/g, " ") },
        { field: "status", header: "Status", render: (row) => <StatusChip status={row.status} /> },
        { field: "period", header: "Period (UTC)", width: 220, render: period },
        { field: "row_count", header: "Rows", render: (row) => (row.row_count ?? "—").toString() },
        {
          field: "scheduled",
          header: "Requested by",
          render: (row) => (row.scheduled ? "schedule" : "user"),
        },
        { field: "id", header: "ID", width: 230 },
        { field: "created", header: "Created (UTC)", render: (row) => timestamp(row.created) },
      ]}
      create={{
        name: "create",
        label: "New report",
        scope: "reports:write",
        path: "/compliance/reports",
        fields: [
          {
            name: "kind",
            label: "Kind",
            kind: "select",
            options: KIND_OPTIONS,
            optionLabels: REPORT_KINDS,
            required: true,
          },
          {
            name: "period_start",
            label: "Period start (UTC day)",
            kind: "date",
            defaultValue: period0.period_start,
            required: true,
          },
          {
            name: "period_end",
            label: "Period end (UTC day, not included)",
            kind: "date",
            defaultValue: period0.period_end,
            required: true,
            helperText: "At most 366 days after the start.",
          },
        ],
        body: (values) => reportRequestBody(values as Record<string, string>),
        onDone: (created) => navigate(`/compliance/reports/${(created as ComplianceReport).id}`),
      }}
    />
  );
}

export function ComplianceReportDetailPage() {
  const { id = "" } = useParams();
  const url = useUrlState();
  const auth = useAuth();
  const report = useQuery({
    queryKey: ["/compliance/reports", id],
    queryFn: () => apiJson<ComplianceReport>(`/compliance/reports/${id}`),
    // Generated by a Celery task (no event on a stream): poll until it is done.
    refetchInterval: (query) => (query.state.data?.status === "pending" ? POLL_MS : false),
  });
  const generated = report.data?.status === "succeeded";
  const viewing = url.values.view === "table";
  const result = useQuery({
    queryKey: ["/compliance/reports", id, "result"],
    queryFn: () => apiJson<ReportResult>(`/compliance/reports/${id}/download?format=json`),
    enabled: generated && viewing,
    staleTime: Infinity,
  });
  const download = useMutation({
    mutationFn: (format: "csv" | "json") =>
      downloadFile(`/compliance/reports/${id}/download?format=${format}`, `${id}.${format}`),
  });

  if (report.error instanceof ApiError && report.error.status === 404) return <NotFoundPage />;
  if (!report.data) return <ErrorAlert error={report.error} />;
  const r = report.data;
  const verification = r.verification as {
    ok?: boolean;
    checked?: number;
    first_broken_id?: string | null;
    reason?: string | null;
  } | null;
  const rows = result.data?.rows ?? [];

  return (
    <Box>
      <PageHeader
        title={`${r.kind.replace(/_/g, " ")} report ${r.id}`}
        actions={
          generated && (
            <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap" }}>
              <Button
                variant="contained"
                onClick={() => download.mutate("csv")}
                disabled={download.isPending}
                sx={{ minHeight: 44 }}
              >
                Download CSV
              </Button>
              <Button
                variant="outlined"
                onClick={() => download.mutate("json")}
                disabled={download.isPending}
                sx={{ minHeight: 44 }}
              >
                Download JSON
              </Button>
              <Button
                variant="outlined"
                onClick={() => url.set({ view: viewing ? null : "table" })}
                sx={{ minHeight: 44 }}
                aria-pressed={viewing}
              >
                {viewing ? "Hide result" : "View result"}
              </Button>
            </Stack>
          )
        }
      />
      <ErrorAlert error={download.error ?? result.error} />
      {r.status === "pending" && (
        <Alert severity="info" sx={{ mb: 2 }} data-testid="report-pending">
          Generating… this page refreshes when the report is ready.
        </Alert>
      )}
      {r.status === "failed" && (
        <Alert severity="error" sx={{ mb: 2 }}>
          Generation failed{r.error ? `: ${r.error}` : "."}
        </Alert>
      )}
      <Box
        sx={{ display: "grid", gap: 2, gridTemplateColumns: { xs: "1fr", md: "1fr 1fr" }, mb: 2 }}
      >
        <Card variant="outlined">
          <CardContent>
            <Field label="Status">
              <span data-testid="report-status">
                <StatusChip status={r.status} />
              </span>
            </Field>
            <Field label="Kind">{REPORT_KINDS[r.kind] ?? r.kind}</Field>
            <Field label="Period (UTC, end not included)">{period(r)}</Field>
            <Field label="Rows">
              <span data-testid="report-rows">{r.row_count ?? "—"}</span>
            </Field>
          </CardContent>
        </Card>
        <Card variant="outlined">
          <CardContent>
            <Field label="Scope">{r.merchant ? r.merchant : "platform-wide"}</Field>
            <Field label="Requested by">{r.scheduled ? "the daily schedule" : "a user"}</Field>
            <Field label="Created (UTC)">{timestamp(r.created)}</Field>
            <Field label="Finished (UTC)">{timestamp(r.finished_at)}</Field>
            {verification && (
              <Field label="Audit chain">
                <span data-testid="report-chain">
                  {verification.ok
                    ? `intact (${verification.checked ?? 0} entries checked)`
                    : `broken at ${verification.first_broken_id ?? "?"}: ${verification.reason ?? ""}`}
                </span>
              </Field>
            )}
          </CardContent>
        </Card>
      </Box>
      {Object.keys(r.parameters ?? {}).length > 0 && (
        <Box sx={{ mb: 2 }}>
          <Typography variant="h6" component="h2">
            Parameters
          </Typography>
          <JsonView value={r.parameters} label="Report parameters" />
        </Box>
      )}
      {viewing && generated && (
        <Box sx={{ mb: 2 }}>
          <Typography variant="h6" component="h2">
            Result
          </Typography>
          {result.data && rows.length > VIEW_ROWS && (
            <Typography color="text.secondary">
              The first {VIEW_ROWS} of {rows.length} rows; download the CSV for all of them.
            </Typography>
          )}
          {result.data && (
            <DataTable<Record<string, unknown>>
              label="Report result"
              testId="report-result"
              rows={rows.slice(0, VIEW_ROWS)}
              rowKey={(_, index) => String(index)}
              columns={result.data.columns.map((column) => ({
                key: column,
                header: column,
                render: (row) => cell(row[column]),
              }))}
            />
          )}
        </Box>
      )}
      {!auth.can("compliance:read") && (
        <Typography color="text.secondary">Your role cannot read compliance reports.</Typography>
      )}
    </Box>
  );
}
