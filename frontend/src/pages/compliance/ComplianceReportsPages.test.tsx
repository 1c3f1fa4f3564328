import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";

import { currentLocation, meHandler, renderRoute, serveDuringTests } from "../../test/render";
import { ComplianceReportDetailPage, ComplianceReportsPage } from "./ComplianceReportsPages";
import { defaultPeriod, reportRequestBody, reportRequestErrors } from "./reportRequest";

const REPORT = {
  id: "crep_1",
  object: "compliance_report",
  merchant: "mer_1",
  kind: "large_transactions",
  status: "pending",
  period_start: "2026-11-01T00:00:00Z",
  period_end: "2026-11-30T00:00:00Z",
  parameters: {},
  scheduled: false,
  row_count: null,
  verification: null,
  error: null,
  created: "2026-11-30T12:00:00Z",
  finished_at: null,
};

let who = { role: "compliance", scopes: ["compliance:read", "reports:write"] };
let posted: unknown[] = [];
let answer: () => Response = () => HttpResponse.json(REPORT, { status: 202 });

const server = setupServer(
  meHandler(() => who),
  http.get("*/api/v1/compliance/reports", () =>
    HttpResponse.json({ object: "list", data: [], has_more: false, next_cursor: null }),
  ),
  http.get("*/api/v1/compliance/reports/crep_1", () =>
    HttpResponse.json({
      ...REPORT,
      status: "succeeded",
      row_count: 1,
      parameters: { thresholds: { usd: 1000000 } },
    }),
  ),
  http.get("*/api/v1/compliance/reports/crep_1/download", ({ request }) =>
    new URL(request.url).searchParams.get("format") === "json"
      ? HttpResponse.json({
          id: "crep_1",
          columns: ["object_id", "amount"],
          rows: [{ object_id: "pay_1", amount: 1500000 }],
        })
      : new HttpResponse("object_id,amount\r\npay_1,1500000\r\n", {
          headers: { "Content-Type": "text/csv" },
        }),
  ),
  http.post("*/api/v1/compliance/reports", async ({ request }) => {
    posted.push(await request.json());
    return answer();
  }),
);

serveDuringTests(server, { sockets: false });
beforeEach(() => {
  who = { role: "compliance", scopes: ["compliance:read", "reports:write"] };
  posted = [];
  answer = () => HttpResponse.json(REPORT, { status: 202 });
  window.localStorage.clear();
});

const ROUTES = [
  { path: "/compliance/reports", element: <ComplianceReportsPage /> },
  { path: "/compliance/reports/:id", element: <ComplianceReportDetailPage /> },
];

/** The create dialog with its fields filled (a select is chosen through its listbox). */
async function fillCreate({ kind, start, end }: { kind?: RegExp; start?: string; end?: string }) {
  renderRoute(ROUTES, "/compliance/reports?dialog=create");
  const dialog = await screen.findByRole("dialog");
  if (kind) {
    fireEvent.mouseDown(within(dialog).getByRole("combobox", { name: "Kind" }));
    fireEvent.click(await screen.findByRole("option", { name: kind }));
  }
  if (start !== undefined)
    fireEvent.change(within(dialog).getByLabelText("Period start (UTC day)"), {
      target: { value: start },
    });
  if (end !== undefined)
    fireEvent.change(within(dialog).getByLabelText("Period end (UTC day, not included)"), {
      target: { value: end },
    });
  fireEvent.click(within(dialog).getByRole("button", { name: "New report" }));
  return dialog;
}

describe("report request checks", () => {
  it("accepts a kind and a period of UTC days up to 366 days", () => {
    expect(
      reportRequestErrors({
        kind: "audit_export",
        period_start: "2026-01-01",
        period_end: "2027-01-02",
      }),
    ).toEqual([]);
    expect(
      reportRequestBody({
        kind: "audit_export",
        period_start: "2026-11-01",
        period_end: "2026-12-01",
      }),
    ).toEqual({
      kind: "audit_export",
      period_start: "2026-11-01",
      period_end: "2026-12-01",
    });
  });

  it("refuses as the server does, under the server's params", () => {
    expect(
      reportRequestErrors({ kind: "sar", period_start: "2026-11-01", period_end: "2026-12-01" }),
    ).toEqual([
      {
        param: "kind",
        message:
          "Choose a report kind: large_transactions, suspicious_activity, audit_export, data_retention.",
      },
    ]);
    expect(
      reportRequestErrors({
        kind: "audit_export",
        period_start: "2026-12-01",
        period_end: "2026-12-01",
      }),
    ).toEqual([{ param: "period_start", message: "period_start must be before period_end." }]);
    expect(
      reportRequestErrors({
        kind: "audit_export",
        period_start: "2026-01-01",
        period_end: "2027-01-03",
      }),
    ).toEqual([{ param: "period_end", message: "A report covers at most 366 days." }]);
    expect(
      reportRequestErrors({
        kind: "audit_export",
        period_start: "2026-02-30",
        period_end: "2026-03-02",
      }),
    ).toEqual([
      { param: "period_start", message: "period_start and period_end are YYYY-MM-DD (UTC days)." },
    ]);
    expect(
      reportRequestErrors({ kind: "audit_export", period_start: "2026-02-01", period_end: "" }),
    ).toEqual([
      { param: "period_end", message: "period_start and period_end are YYYY-MM-DD (UTC days)." },
    ]);
    expect(() =>
      reportRequestBody({
        kind: "audit_export",
        period_start: "2026-12-02",
        period_end: "2026-12-01",
      }),
    ).toThrow(
      expect.objectContaining({ status: 400, param: "period_start", code: "parameter_invalid" }),
    );
  });

  it("defaults to the last 30 whole UTC days", () => {
    expect(defaultPeriod(new Date("2026-11-30T23:59:00Z"))).toEqual({
      period_start: "2026-10-31",
      period_end: "2026-11-30",
    });
  });
});

describe("regulatory reports create form", () => {
  it("sends the kind and period, then opens the new report", async () => {
    await fillCreate({ kind: /^Large transactions/, start: "2026-11-01", end: "2026-11-30" });
    await waitFor(() =>
      expect(posted).toEqual([
        { kind: "large_transactions", period_start: "2026-11-01", period_end: "2026-11-30" },
      ]),
    );
    await waitFor(() => expect(currentLocation()).toBe("/compliance/reports/crep_1"));
    expect(await screen.findByTestId("report-rows")).toHaveTextContent("1");
  });

  it("a period that ends before it starts is refused on the start field and nothing is sent", async () => {
    const dialog = await fillCreate({
      kind: /^Audit export/,
      start: "2026-12-01",
      end: "2026-11-01",
    });
    expect(
      await within(dialog).findByText(
        "period_start must be before period_end. (parameter_invalid)",
      ),
    ).toBeInTheDocument();
    expect(within(dialog).getByLabelText("Period start (UTC day)")).toHaveAttribute(
      "aria-invalid",
      "true",
    );
    expect(within(dialog).getByLabelText("Period end (UTC day, not included)")).toHaveAttribute(
      "aria-invalid",
      "false",
    );
    expect(posted).toEqual([]);
  });

  it("no kind chosen is refused on the kind field and nothing is sent", async () => {
    const dialog = await fillCreate({});
    expect(await within(dialog).findByText("Enter kind.")).toBeInTheDocument();
    expect(posted).toEqual([]);
  });

  it("the server's refusal lands on the field its param names", async () => {
    answer = () =>
      HttpResponse.json(
        {
          error: {
            type: "invalid_request_error",
            code: "parameter_invalid",
            message: "A report covers at most 366 days.",
            param: "period_end",
          },
        },
        { status: 400 },
      );
    const dialog = await fillCreate({
      kind: /^Suspicious activity/,
      start: "2026-11-01",
      end: "2026-11-30",
    });
    expect(
      await within(dialog).findByText("A report covers at most 366 days. (parameter_invalid)"),
    ).toBeInTheDocument();
    expect(within(dialog).getByLabelText("Period end (UTC day, not included)")).toHaveAttribute(
      "aria-invalid",
      "true",
    );
    expect(within(dialog).getByRole("alert")).toHaveTextContent(
      "400 · parameter_invalid · period_end",
    );
    expect(posted).toHaveLength(1);
    expect(currentLocation()).toBe("/compliance/reports?dialog=create");
  });

  it("a role without reports:write sees no create button", async () => {
    who = { role: "viewer", scopes: ["compliance:read"] };
    renderRoute(ROUTES, "/compliance/reports");
    expect(await screen.findByRole("heading", { name: "Regulatory reports" })).toBeInTheDocument();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(screen.queryByRole("button", { name: "New report" })).toBeNull();
  });
});

describe("regulatory report page", () => {
  it("shows a generated report and views its result as a table", async () => {
    renderRoute(ROUTES, "/compliance/reports/crep_1");
    expect(await screen.findByTestId("report-status")).toHaveTextContent("succeeded");
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent(
      "large transactions report crep_1",
    );
    fireEvent.click(screen.getByRole("button", { name: "View result" }));
    const table = await screen.findByTestId("report-result");
    expect(currentLocation()).toBe("/compliance/reports/crep_1?view=table");
    expect(
      within(table)
        .getAllByRole("row")
        .map((row) => row.textContent),
    ).toEqual(["object_idamount", "pay_11500000"]);
  });
});
