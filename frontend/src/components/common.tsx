/** Small shared pieces: money, status chips, errors, raw JSON, page headers. */
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Chip from "@mui/material/Chip";
import Typography from "@mui/material/Typography";
import type { ReactNode } from "react";

import { ApiError } from "../api/errors";
import { formatMoney } from "../money/money";

export function Money({
  amount,
  currency,
}: {
  amount: number | null | undefined;
  currency: string | null | undefined;
}) {
  if (amount === null || amount === undefined || !currency) return <span>—</span>;
  return (
    <span style={{ fontVariantNumeric: "tabular-nums" }}>{formatMoney(amount, currency)}</span>
  );
}

const STATUS_COLORS: Record<string, "success" | "error" | "warning" | "default" | "info"> = {
  succeeded: "success",
  posted: "success",
  paid: "success",
  active: "success",
  enabled: "success",
  approved: "success",
  executed: "success",
  won: "success",
  failed: "error",
  canceled: "default",
  voided: "default",
  rejected: "error",
  lost: "error",
  frozen: "warning",
  requires_capture: "warning",
  requires_action: "warning",
  pending: "info",
  needs_response: "warning",
  open: "warning",
};

export function StatusChip({ status }: { status: string | null | undefined }) {
  if (!status) return null;
  return (
    <Chip
      size="small"
      label={status.replace(/_/g, " ")}
      color={STATUS_COLORS[status] ?? "default"}
    />
  );
}

/** The API's error envelope as an alert: message, code and (when there is one) the param. */
export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  return (
    <Alert severity="error" role="alert" sx={{ my: 1 }} data-code={api?.code}>
      {api ? api.message : String(error)}
      {api && (
        <Typography variant="caption" component="div">
          {api.status} · {api.code}
          {api.param ? ` · ${api.param}` : ""}
        </Typography>
      )}
    </Alert>
  );
}

export function JsonView({ value, label = "Raw JSON" }: { value: unknown; label?: string }) {
  return (
    <Box
      component="pre"
      aria-label={label}
      tabIndex={0}
      sx={{
        bgcolor: "grey.100",
        p: 2,
        borderRadius: 1,
        overflow: "auto",
        fontSize: 12,
        maxHeight: 420,
        m: 0,
      }}
    >
      {JSON.stringify(value, null, 2)}
    </Box>
  );
}

/**
 * A page's title and its main actions. `heading` "h2" is for a list embedded in an object page
 * (a wallet's transfers), which keeps the page's single h1.
 */
export function PageHeader({
  title,
  actions,
  heading = "h1",
}: {
  title: string;
  actions?: ReactNode;
  heading?: "h1" | "h2";
}) {
  return (
    <Box sx={{ display: "flex", alignItems: "center", gap: 1, mb: 2, flexWrap: "wrap" }}>
      {/* Titles hold object ids (pay_01…): let them wrap, so a phone never scrolls sideways. */}
      <Typography
        variant={heading === "h1" ? "h5" : "h6"}
        component={heading}
        sx={{ flexGrow: 1, minWidth: 0, overflowWrap: "anywhere" }}
      >
        {title}
      </Typography>
      {actions}
    </Box>
  );
}

export function timestamp(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(String(value));
  return Number.isNaN(date.getTime())
    ? String(value)
    : date.toISOString().replace("T", " ").slice(0, 19);
}

/** A labelled value of an object page's summary card (label left, value right, wrapping ids). */
export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box sx={{ display: "flex", justifyContent: "space-between", gap: 2, py: 0.5 }}>
      <Typography color="text.secondary">{label}</Typography>
      <Typography component="div" sx={{ textAlign: "right", overflowWrap: "anywhere" }}>
        {children}
      </Typography>
    </Box>
  );
}

/** The state line of a settings form: "Saving…", "Unsaved changes", "Saved at <UTC>" or "Saved". */
export function SaveState({
  saving,
  dirty,
  savedAt,
  testId,
}: {
  saving: boolean;
  dirty: boolean;
  savedAt: Date | null;
  testId: string;
}) {
  const text = saving
    ? "Saving…"
    : dirty
      ? "Unsaved changes"
      : savedAt
        ? `Saved at ${timestamp(savedAt.toISOString())} UTC`
        : "Saved";
  return (
    <Typography variant="body2" role="status" data-testid={testId}>
      {text}
    </Typography>
  );
}
