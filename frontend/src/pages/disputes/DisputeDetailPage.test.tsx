import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";

import { meHandler, renderRoute, serveDuringTests } from "../../test/render";
import DisputeDetailPage, { evidenceBody, evidenceFieldForParam } from "./DisputeDetailPage";

const DISPUTE = {
  id: "dp_1",
  object: "dispute",
  created: "2026-11-30T10:00:00Z",
  payment: "pay_1",
  amount: 2500,
  fee: 1500,
  currency: "usd",
  status: "needs_response",
  reason: "fraudulent",
  evidence: {},
  evidence_submitted_at: null,
  closed_at: null,
};

let who = { role: "admin", scopes: ["payments:read", "payments:write"] };
let posted: { path: string; body: unknown; key: string | null }[] = [];
let answer: () => Response = () => HttpResponse.json(DISPUTE);

const server = setupServer(
  meHandler(() => who),
  http.get("*/api/v1/disputes/dp_1", () => HttpResponse.json(DISPUTE)),
  http.get("*/api/v1/disputes/dp_other", () =>
    HttpResponse.json(
      {
        error: {
          type: "invalid_request_error",
          code: "resource_missing",
          message: "No such dispute: 'dp_other'",
          param: "id",
        },
      },
      { status: 404 },
    ),
  ),
  http.post("*/api/v1/disputes/:id/:action?", async ({ request, params }) => {
    const path = `/disputes/${String(params.id)}${params.action ? `/${String(params.action)}` : ""}`;
    posted.push({ path, body: await request.json(), key: request.headers.get("Idempotency-Key") });
    return answer();
  }),
);

serveDuringTests(server);
beforeEach(() => {
  who = { role: "admin", scopes: ["payments:read", "payments:write"] };
  posted = [];
  answer = () => HttpResponse.json(DISPUTE);
  window.localStorage.clear();
});

const renderDispute = (id = "dp_1") =>
  renderRoute([{ path: "/disputes/:id", element: <DisputeDetailPage /> }], `/disputes/${id}`);

describe("evidence form model", () => {
  it("sends only the filled fields, trimmed, and nothing when all are empty", () => {
    expect(
      evidenceBody({ product_description: "  A mug ", receipt: "", refund_policy: undefined }),
    ).toEqual({
      evidence: { product_description: "A mug" },
    });
    expect(evidenceBody({ product_description: " ", receipt: "" })).toBeNull();
  });

  it("maps the API's evidence params onto the form's fields", () => {
    expect(evidenceFieldForParam("evidence[receipt]")).toBe("evidence.receipt");
    expect(evidenceFieldForParam("evidence[customer_communication]")).toBe(
      "evidence.customer_communication",
    );
    expect(evidenceFieldForParam("evidence")).toBeNull();
    expect(evidenceFieldForParam("evidence[not_a_field]")).toBeNull();
    expect(evidenceFieldForParam(null)).toBeNull();
  });
});

describe("dispute page", () => {
  it("shows the dispute with its payment linked", async () => {
    renderDispute();
    expect(await screen.findByTestId("dispute-amount")).toHaveTextContent("$25.00");
    expect(screen.getByTestId("dispute-status")).toHaveTextContent("needs response");
    expect(screen.getByRole("link", { name: "pay_1" })).toHaveAttribute("href", "/payments/pay_1");
    expect(screen.getByText("None submitted.")).toBeInTheDocument();
  });

  it("the API's refusal lands on the field its param names and the page keeps the typed evidence", async () => {
    answer = () =>
      HttpResponse.json(
        {
          error: {
            type: "invalid_request_error",
            code: "max_length",
            message: "Ensure this field has no more than 5000 characters.",
            param: "evidence[receipt]",
          },
        },
        { status: 400 },
      );
    renderDispute();
    const form = await screen.findByRole("form", { name: "Evidence" });
    fireEvent.change(within(form).getByLabelText("Product description"), {
      target: { value: "A blue mug" },
    });
    fireEvent.change(within(form).getByLabelText("Receipt (text or link)"), {
      target: { value: "r".repeat(10) },
    });
    fireEvent.click(within(form).getByRole("button", { name: "Submit evidence" }));
    expect(
      await within(form).findByText(
        "Ensure this field has no more than 5000 characters. (max_length)",
      ),
    ).toBeInTheDocument();
    expect(within(form).getByLabelText("Receipt (text or link)")).toHaveAttribute(
      "aria-invalid",
      "true",
    );
    expect(within(form).getByLabelText("Product description")).toHaveAttribute(
      "aria-invalid",
      "false",
    );
    expect(within(form).getByRole("alert")).toHaveTextContent(
      "400 · max_length · evidence[receipt]",
    );
    expect(within(form).getByLabelText("Product description")).toHaveValue("A blue mug");
    expect(posted).toHaveLength(1);
    expect(posted[0]!.body).toEqual({
      evidence: { product_description: "A blue mug", receipt: "rrrrrrrrrr" },
    });
  });

  it("a retry after an error reuses the idempotency key; a success shows the evidence", async () => {
    answer = () =>
      HttpResponse.json(
        { error: { type: "api_error", code: "server_error", message: "Try again." } },
        { status: 503 },
      );
    renderDispute();
    const form = await screen.findByRole("form", { name: "Evidence" });
    fireEvent.change(within(form).getByLabelText("Customer communication"), {
      target: { value: "winning_evidence" },
    });
    fireEvent.click(within(form).getByRole("button", { name: "Submit evidence" }));
    expect(await within(form).findByText("Try again.")).toBeInTheDocument();
    answer = () =>
      HttpResponse.json({
        ...DISPUTE,
        status: "under_review",
        evidence: { customer_communication: "winning_evidence" },
        evidence_submitted_at: "2026-11-30T11:00:00Z",
      });
    fireEvent.click(within(form).getByRole("button", { name: "Submit evidence" }));
    await waitFor(() =>
      expect(screen.getByTestId("dispute-status")).toHaveTextContent("under review"),
    );
    expect(screen.getByTestId("dispute-evidence")).toHaveTextContent(
      "customer communicationwinning_evidence",
    );
    expect(posted).toHaveLength(2);
    expect(posted[0]!.key).toBeTruthy();
    expect(posted[1]!.key).toBe(posted[0]!.key);
  });

  it("an empty form is refused on its first field and nothing is sent", async () => {
    renderDispute();
    const form = await screen.findByRole("form", { name: "Evidence" });
    fireEvent.click(within(form).getByRole("button", { name: "Submit evidence" }));
    expect(
      await within(form).findByText("Enter at least one piece of evidence."),
    ).toBeInTheDocument();
    expect(within(form).getByLabelText("Product description")).toHaveAttribute(
      "aria-invalid",
      "true",
    );
    expect(posted).toEqual([]);
  });

  it("accept asks to confirm, then closes the dispute", async () => {
    answer = () =>
      HttpResponse.json({ ...DISPUTE, status: "lost", closed_at: "2026-11-30T12:00:00Z" });
    renderDispute();
    fireEvent.click(await screen.findByRole("button", { name: "Accept" }));
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("closes the dispute as lost");
    expect(posted).toEqual([]);
    fireEvent.click(within(dialog).getByRole("button", { name: "Accept dispute" }));
    await waitFor(() => expect(posted.map((call) => call.path)).toEqual(["/disputes/dp_1/close"]));
  });

  it("a role without payments:write sees no form and no accept", async () => {
    who = { role: "viewer", scopes: ["payments:read"] };
    renderDispute();
    expect(await screen.findByText("Your role cannot respond to disputes.")).toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Evidence" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Accept" })).toBeNull();
  });

  it("another merchant's dispute shows the 404 page", async () => {
    renderDispute("dp_other");
    expect(await screen.findByTestId("not-found")).toBeInTheDocument();
  });
});
