/**
 * Regulatory report requests (ANALYTICS.md §4, `POST /compliance/reports`): the kinds, and the
 * server's checks of a request made on the client first, each under the `param` the server
 * answers with, so the form shows the refusal on its field before anything is sent. (One
 * deliberate difference: a malformed end day is reported on `period_end`; the server names
 * `period_start` for either.)
 */
import { ApiError } from "../../api/errors";

/** The report kinds with what each holds (compliance.reports.generators.GENERATORS). */
export const REPORT_KINDS: Record<string, string> = {
  large_transactions: "Large transactions (payments, payouts, transfers at or above the threshold)",
  suspicious_activity: "Suspicious activity (AML alerts with their evidence events)",
  audit_export: "Audit export (the hash-chained audit log with its chain verification)",
  data_retention: "Data retention (what the retention job erased or will erase)",
};

/** The longest period a report covers (compliance.reports.services.MAX_PERIOD). */
export const MAX_PERIOD_DAYS = 366;
const DAY_MS = 86_400_000;

export interface ReportRequest {
  kind: string;
  period_start: string;
  period_end: string;
}

export interface RequestError {
  param: keyof ReportRequest;
  message: string;
}

/** A `YYYY-MM-DD` UTC day as epoch milliseconds, or null when it is not a real day. */
function utcDay(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text ? null : ms;
}

/**
 * What the server would refuse in `request`, first error first (the server answers one):
 * an unknown kind (`kind`), a day that is not YYYY-MM-DD (that day's field), a start not before
 * the end (`period_start`), more than 366 days (`period_end`). Empty when it would be accepted.
 */
export function reportRequestErrors(request: Partial<ReportRequest>): RequestError[] {
  const errors: RequestError[] = [];
  if (!request.kind || !(request.kind in REPORT_KINDS)) {
    errors.push({
      param: "kind",
      message: `Choose a report kind: ${Object.keys(REPORT_KINDS).join(", ")}.`,
    });
  }
  const start = utcDay(request.period_start ?? "");
  const end = utcDay(request.period_end ?? "");
  if (start === null || end === null) {
    errors.push({
      param: start === null ? "period_start" : "period_end",
      message: "period_start and period_end are YYYY-MM-DD (UTC days).",
    });
  } else if (start >= end) {
    errors.push({ param: "period_start", message: "period_start must be before period_end." });
  } else if (end - start > MAX_PERIOD_DAYS * DAY_MS) {
    errors.push({
      param: "period_end",
      message: `A report covers at most ${MAX_PERIOD_DAYS} days.`,
    });
  }
  return errors;
}

/**
 * The POST body of a request, or the first refusal thrown as the 400 ApiError the server would
 * give (so a form maps it onto its field exactly as it maps the server's own).
 */
export function reportRequestBody(request: Partial<ReportRequest>): ReportRequest {
  const [first] = reportRequestErrors(request);
  if (first) {
    throw new ApiError(400, {
      type: "invalid_request_error",
      code: "parameter_invalid",
      message: first.message,
      param: first.param,
    });
  }
  return {
    kind: request.kind!,
    period_start: request.period_start!,
    period_end: request.period_end!,
  };
}

/** The default period: the last 30 whole UTC days before `now` ([start, end) as YYYY-MM-DD). */
export function defaultPeriod(now: Date = new Date()): {
  period_start: string;
  period_end: string;
} {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { period_start: day(today - 30 * DAY_MS), period_end: day(today) };
}
