import {
  applyApproval,
  approvalFromMessage,
  approvalIdOf,
  loadTracked,
  openApprovals,
  resultError,
  resultLink,
  saveTracked,
  trackPending,
  type Tracked,
} from "./approvals";

const PENDING = { status: "pending_approval", approval: "appr_1" };

function event(type: string, object: Record<string, unknown>) {
  return { type: "event", event: { id: "evt_1", type, data: { object } } };
}

describe("assistant approvals", () => {
  it("finds the approval a tool result names, and nothing in other results", () => {
    expect(approvalIdOf(PENDING)).toBe("appr_1");
    expect(approvalIdOf({ object: "agent_approval", id: "appr_2", status: "pending" })).toBe(
      "appr_2",
    );
    expect(approvalIdOf({ object: "payment", id: "pay_1", status: "succeeded" })).toBeNull();
  });

  it("follows a pending call with its amount, and a replay keeps what is known", () => {
    const state = trackPending({}, "appr_1", "create_payment", {
      amount: 1500,
      currency: "usd",
      customer: "cus_1",
    });
    expect(state).toEqual({
      appr_1: {
        id: "appr_1",
        status: "pending",
        tool: "create_payment",
        amount: 1500,
        currency: "usd",
        result: null,
      },
    });
    const executed = applyApproval(state, {
      id: "appr_1",
      status: "executed",
      result: { id: "pay_9" },
    });
    expect(trackPending(executed, "appr_1", "create_payment", {})).toBe(executed);
    expect(trackPending({}, "appr_3", "create_payout", {}).appr_3).toMatchObject({
      amount: null,
      currency: null,
    });
  });

  it("an approval_decided event moves the approval to executed with its result and link", () => {
    const state = trackPending({}, "appr_1", "create_payment", { amount: 1500, currency: "usd" });
    const decided = approvalFromMessage(
      event("agent.approval_decided", {
        id: "appr_1",
        object: "agent_approval",
        status: "executed",
        result: { id: "pay_9", object: "payment", status: "succeeded" },
      }),
    );
    expect(decided).toEqual({
      id: "appr_1",
      status: "executed",
      result: { id: "pay_9", object: "payment", status: "succeeded" },
    });
    const next = applyApproval(state, decided!);
    expect(next.appr_1).toEqual({
      id: "appr_1",
      status: "executed",
      tool: "create_payment",
      amount: 1500,
      currency: "usd",
      result: { id: "pay_9", object: "payment", status: "succeeded" },
    });
    expect(resultLink(next.appr_1!)).toBe("/payments/pay_9");
    expect(openApprovals(next)).toEqual([]);
  });

  it("ignores other events, other approvals, and a late event that would move a final status back", () => {
    const state = trackPending({}, "appr_1", "create_payment", {});
    expect(
      approvalFromMessage(event("payment.succeeded", { id: "pay_1", status: "succeeded" })),
    ).toBeNull();
    expect(approvalFromMessage({ type: "heartbeat" })).toBeNull();
    expect(applyApproval(state, { id: "appr_other", status: "executed" })).toBe(state);
    const rejected = applyApproval(state, { id: "appr_1", status: "rejected", result: null });
    expect(rejected.appr_1!.status).toBe("rejected");
    expect(applyApproval(rejected, { id: "appr_1", status: "pending" })).toBe(rejected);
    expect(openApprovals(state)).toEqual(["appr_1"]);
  });

  it("a failed call shows its error and no link", () => {
    const state = trackPending({}, "appr_1", "create_payment", {});
    const failed = applyApproval(state, {
      id: "appr_1",
      status: "failed",
      result: { error: { code: "card_declined", message: "Your card was declined." } },
    });
    expect(resultLink(failed.appr_1!)).toBeNull();
    expect(resultError(failed.appr_1!)).toBe("Your card was declined.");
  });

  it("survives in session storage, and bad storage reads as none", () => {
    const state: Tracked = trackPending({}, "appr_1", "create_payment", {
      amount: 5,
      currency: "jpy",
    });
    saveTracked(state, window.sessionStorage);
    expect(loadTracked(window.sessionStorage)).toEqual(state);
    window.sessionStorage.setItem("mcp-payments.assistant.approvals", "{not json");
    expect(loadTracked(window.sessionStorage)).toEqual({});
  });
});
