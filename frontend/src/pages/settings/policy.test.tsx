import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";

import PolicyEditor from "./PolicyEditor";
import {
  describeVerdict,
  emptyPolicyForm,
  formFromPolicy,
  policyFieldForParam,
  policyFromForm,
  type PolicyForm,
} from "./policy";

const NOW = new Date("2026-11-30T00:00:00Z");

describe("agent policy editor model", () => {
  it("turns typed decimals into minor units per currency", () => {
    const result = policyFromForm(
      {
        ...emptyPolicyForm,
        max_amount_per_call: "100",
        approval_above: "50.5",
        daily_limit: "usd=500, jpy=20000",
        allowed_tools: "create_payment, refund_payment create_payment",
        expires_at: "2027-01-01",
        read_only: false,
      },
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      policy: {
        max_amount_per_call: 10000,
        approval_above: 5050,
        daily_limit: { usd: 50000, jpy: 20000 },
        allowed_tools: ["create_payment", "refund_payment"],
        expires_at: "2027-01-01T00:00:00Z",
        read_only: false,
      },
    });
  });

  it("an empty form is no limit at all", () => {
    expect(policyFromForm(emptyPolicyForm, NOW)).toEqual({
      ok: true,
      policy: {
        max_amount_per_call: null,
        approval_above: null,
        daily_limit: {},
        allowed_tools: null,
        expires_at: null,
        read_only: false,
      },
    });
  });

  it("reports each bad field", () => {
    const result = policyFromForm(
      {
        ...emptyPolicyForm,
        max_amount_per_call: "10",
        approval_above: "20",
        daily_limit: "usd=1.234",
        expires_at: "2020-01-01",
      },
      NOW,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.approval_above).toMatch(/must not exceed/);
    expect(result.errors.daily_limit).toMatch(/usd=1.234: USD has at most 2 decimals/);
    expect(result.errors.expires_at).toBe("The expiry must be in the future.");
    const jpy = policyFromForm(
      { ...emptyPolicyForm, currency: "jpy", max_amount_per_call: "10.5" },
      NOW,
    );
    expect(jpy.ok ? null : jpy.errors.max_amount_per_call).toBe("JPY has no decimals.");
  });

  it("words the server's policy_check verdict", () => {
    expect(describeVerdict({ allowed: true, approval_required: false, refusal: null })).toBe(
      "Server: allowed",
    );
    expect(describeVerdict({ allowed: true, approval_required: true, refusal: null })).toBe(
      "Server: needs approval",
    );
    expect(
      describeVerdict({
        allowed: false,
        approval_required: false,
        refusal: {
          code: "agent_policy_violation",
          message: "Above the maximum per call.",
          param: "max_amount_per_call",
        },
      }),
    ).toBe("Server: refused — max_amount_per_call (Above the maximum per call.)");
  });

  it("the editor edits the form and shows errors on their fields", () => {
    let latest: PolicyForm = emptyPolicyForm;
    function Harness() {
      const [value, setValue] = useState(emptyPolicyForm);
      latest = value;
      return (
        <PolicyEditor value={value} onChange={setValue} errors={{ approval_above: "Too high." }} />
      );
    }
    render(<Harness />);
    fireEvent.change(screen.getByLabelText("Maximum per call"), { target: { value: "25.00" } });
    fireEvent.click(screen.getByLabelText("Read-only (no tool that moves money)"));
    expect(latest.max_amount_per_call).toBe("25.00");
    expect(latest.read_only).toBe(true);
    expect(screen.getByText("Too high.")).toBeInTheDocument();
    expect(policyFromForm(latest, NOW)).toMatchObject({
      ok: true,
      policy: { max_amount_per_call: 2500, read_only: true },
    });
  });

  it("a stored policy becomes the form again (the assistant policy page), exactly", () => {
    const stored = {
      max_amount_per_call: 10000,
      approval_above: 5050,
      daily_limit: { usd: 50000, jpy: 20000 },
      allowed_tools: ["create_payment", "refund_payment"],
      expires_at: "2027-01-01T00:00:00Z",
      read_only: false,
    };
    const form = formFromPolicy(stored, "usd");
    expect(form).toEqual({
      currency: "usd",
      max_amount_per_call: "100.00",
      approval_above: "50.50",
      daily_limit: "usd=500.00, jpy=20000",
      allowed_tools: "create_payment, refund_payment",
      expires_at: "2027-01-01",
      read_only: false,
    });
    expect(policyFromForm(form, NOW)).toEqual({ ok: true, policy: stored });
    expect(formFromPolicy(null, "eur")).toEqual({ ...emptyPolicyForm, currency: "eur" });
    expect(formFromPolicy({ approval_above: 1000 }, "jpy").approval_above).toBe("1000");
  });

  it("maps a server error's param onto the editor's field", () => {
    expect(policyFieldForParam("approval_above")).toBe("approval_above");
    expect(policyFieldForParam("daily_limit[usd]")).toBe("daily_limit");
    expect(policyFieldForParam("agent_policy[max_amount_per_call]")).toBe("max_amount_per_call");
    expect(policyFieldForParam("allowed_tools[0]")).toBe("allowed_tools");
    expect(policyFieldForParam("expires_at")).toBe("expires_at");
    expect(policyFieldForParam("scopes")).toBeNull();
    expect(policyFieldForParam(null)).toBeNull();
  });

  it("a read-only editor shows the policy and cannot be changed", () => {
    render(
      <PolicyEditor
        value={{ ...emptyPolicyForm, approval_above: "12.00" }}
        onChange={() => undefined}
        disabled
        legend="Assistant policy"
      />,
    );
    expect(screen.getByLabelText("Approval above")).toBeDisabled();
    expect(screen.getByLabelText("Approval above")).toHaveValue("12.00");
    expect(screen.getByLabelText("Read-only (no tool that moves money)")).toBeDisabled();
    expect(screen.getByText("Assistant policy")).toBeInTheDocument();
  });
});
