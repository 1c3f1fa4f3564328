import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";

import { setTokens } from "../../api/session";
import { AuthProvider } from "../../auth/AuthProvider";
import AssistantPolicyPage from "./AssistantPolicyPage";

const STORED = {
  object: "assistant_policy",
  max_amount_per_call: 50000,
  daily_limit: { usd: 100000 },
  approval_above: 2500,
  allowed_tools: null,
  expires_at: null,
  read_only: false,
};

let role = "admin";
let posted: unknown[] = [];
let answer: () => Response = () => HttpResponse.json(STORED);

const server = setupServer(
  http.get("*/api/v1/team/me", () =>
    HttpResponse.json({
      actor_type: "user",
      username: "ada",
      role,
      is_platform_staff: false,
      merchant: "mer_1",
      merchant_name: "M",
      scopes: [],
    }),
  ),
  http.get("*/api/v1/assistant_policy", () => HttpResponse.json(STORED)),
  http.post("*/api/v1/assistant_policy", async ({ request }) => {
    posted.push(await request.json());
    return answer();
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());
beforeEach(() => {
  role = "admin";
  posted = [];
  answer = () => HttpResponse.json(STORED);
  window.localStorage.clear();
  setTokens({ access: "a", refresh: "r" });
});
afterEach(() => server.resetHandlers());

function renderPage() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <AuthProvider>
        <AssistantPolicyPage />
      </AuthProvider>
    </QueryClientProvider>,
  );
}

describe("assistant policy page", () => {
  it("shows the stored policy in the editor's decimals", async () => {
    renderPage();
    expect(await screen.findByLabelText("Approval above")).toHaveValue("25.00");
    expect(screen.getByLabelText("Maximum per call")).toHaveValue("500.00");
    expect(screen.getByLabelText("Daily limit per currency")).toHaveValue("usd=1000.00");
  });

  it("a merchant admin saves the whole policy in minor units and sees it saved", async () => {
    answer = () => HttpResponse.json({ ...STORED, approval_above: 1000 });
    renderPage();
    const threshold = await screen.findByLabelText("Approval above");
    await waitFor(() =>
      expect(screen.getByRole("button", { name: "Save policy" })).toBeInTheDocument(),
    );
    expect(screen.getByRole("button", { name: "Save policy" })).toBeDisabled();
    fireEvent.change(threshold, { target: { value: "10" } });
    expect(screen.getByTestId("policy-state")).toHaveTextContent("Unsaved changes");
    fireEvent.click(screen.getByRole("button", { name: "Save policy" }));
    await waitFor(() =>
      expect(screen.getByTestId("policy-state")).toHaveTextContent(
        /^Saved at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/,
      ),
    );
    expect(posted).toEqual([
      {
        max_amount_per_call: 50000,
        approval_above: 1000,
        daily_limit: { usd: 100000 },
        allowed_tools: null,
        expires_at: null,
        read_only: false,
      },
    ]);
    expect(screen.getByLabelText("Approval above")).toHaveValue("10.00");
  });

  it("the server's refusal lands on its field and nothing is shown as saved", async () => {
    answer = () =>
      HttpResponse.json(
        {
          error: {
            type: "invalid_request_error",
            code: "parameter_invalid",
            message: "Unknown currency: xyz.",
            param: "daily_limit[xyz]",
          },
        },
        { status: 400 },
      );
    renderPage();
    const limit = await screen.findByLabelText("Daily limit per currency");
    await waitFor(() =>
      expect(screen.getByRole("button", { name: "Save policy" })).toBeInTheDocument(),
    );
    fireEvent.change(limit, { target: { value: "usd=1000" } });
    fireEvent.change(screen.getByLabelText("Approval above"), { target: { value: "30" } });
    fireEvent.click(screen.getByRole("button", { name: "Save policy" }));
    expect(
      await screen.findByText("400 · parameter_invalid · daily_limit[xyz]"),
    ).toBeInTheDocument();
    expect(screen.getAllByText("Unknown currency: xyz.")).toHaveLength(2);
    expect(screen.getByLabelText("Daily limit per currency")).toHaveAttribute(
      "aria-invalid",
      "true",
    );
    expect(screen.getByTestId("policy-state")).toHaveTextContent("Unsaved changes");
  });

  it("a bad amount is refused on its field before anything is sent", async () => {
    renderPage();
    const threshold = await screen.findByLabelText("Approval above");
    await waitFor(() =>
      expect(screen.getByRole("button", { name: "Save policy" })).toBeInTheDocument(),
    );
    fireEvent.change(threshold, { target: { value: "10.001" } });
    fireEvent.click(screen.getByRole("button", { name: "Save policy" }));
    expect(await screen.findByText("USD has at most 2 decimals.")).toBeInTheDocument();
    expect(posted).toEqual([]);
  });

  it("any other role sees the policy read-only, with no save", async () => {
    role = "viewer";
    renderPage();
    expect(
      await screen.findByText("Only merchant admins can change the assistant policy."),
    ).toBeInTheDocument();
    expect(screen.getByLabelText("Approval above")).toBeDisabled();
    expect(screen.getByLabelText("Approval above")).toHaveValue("25.00");
    expect(screen.queryByRole("button", { name: "Save policy" })).toBeNull();
  });
});
