/**
 * The assistant panel's approvals: the money-moving calls of this browser tab that the merchant's
 * assistant policy sent for approval (MCP answers `{"status": "pending_approval", "approval":
 * "appr_…"}`), kept in sessionStorage so closing the panel or moving to the approvals page loses
 * none, and moved forward by `agent.approval_*` events from `/ws/alerts` (whose `data.object` is
 * the API's agent_approval, with `result` once it ran) or by reading `GET /agent_approvals/{id}`.
 */
import { pageFor } from "./mcp";

export interface TrackedApproval {
  id: string;
  /** pending → approved → executed | failed; pending → rejected | expired */
  status: string;
  tool: string;
  /** Minor units of `currency` (the call's amount), when the call had one. */
  amount: number | null;
  currency: string | null;
  /** After execution: the object the call created, or its error envelope. */
  result: Record<string, unknown> | null;
}

export type Tracked = Record<string, TrackedApproval>;

export const FINAL_STATUSES: readonly string[] = ["executed", "failed", "rejected", "expired"];
const STORAGE_KEY = "mcp-payments.assistant.approvals";

/** The approval id a tool result names: `{"status": "pending_approval", "approval": id}`, or an
 * agent_approval object itself; null for any other result. */
export function approvalIdOf(body: Record<string, unknown>): string | null {
  if (typeof body.approval === "string") return body.approval;
  if (body.object === "agent_approval" && typeof body.id === "string") return body.id;
  if (body.status === "pending_approval" && typeof body.id === "string") return body.id;
  return null;
}

/** Start following a call that now waits for approval (a replay of a known one keeps its state). */
export function trackPending(
  state: Tracked,
  id: string,
  tool: string,
  args: Record<string, unknown>,
): Tracked {
  if (state[id]) return state;
  const amount = typeof args.amount === "number" ? args.amount : null;
  const currency = typeof args.currency === "string" ? args.currency : null;
  return { ...state, [id]: { id, status: "pending", tool, amount, currency, result: null } };
}

/** An agent_approval as the API shows it (REST, or an event's `data.object`). */
export interface ApprovalObject {
  id: string;
  status: string;
  result?: Record<string, unknown> | null;
}

/** The state after `approval`'s latest representation; approvals not followed are ignored, and
 * a final status is never moved back by a late, older event. */
export function applyApproval(state: Tracked, approval: ApprovalObject): Tracked {
  const current = state[approval.id];
  if (!current) return state;
  if (FINAL_STATUSES.includes(current.status) && !FINAL_STATUSES.includes(approval.status))
    return state;
  if (current.status === approval.status && current.result === (approval.result ?? null))
    return state;
  return {
    ...state,
    [approval.id]: { ...current, status: approval.status, result: approval.result ?? null },
  };
}

/** The agent_approval an `/ws/alerts` frame carries, or null (other events, other frames). */
export function approvalFromMessage(message: {
  type: string;
  [key: string]: unknown;
}): ApprovalObject | null {
  if (message.type !== "event") return null;
  const event = message.event as
    { type?: string; data?: { object?: Partial<ApprovalObject> } } | undefined;
  const obj = event?.data?.object;
  if (
    !event?.type?.startsWith("agent.approval") ||
    typeof obj?.id !== "string" ||
    typeof obj.status !== "string"
  )
    return null;
  return { id: obj.id, status: obj.status, result: obj.result ?? null };
}

/** The dashboard page of what an executed approval created (`pay_…` → /payments/pay_…). */
export function resultLink(approval: TrackedApproval): string | null {
  if (approval.status !== "executed" || !approval.result) return null;
  return pageFor(approval.result.id);
}

/** A failed or refused approval's error message, when it has one. */
export function resultError(approval: TrackedApproval): string | null {
  const error = (approval.result as { error?: { message?: unknown } } | null)?.error;
  return typeof error?.message === "string" ? error.message : null;
}

/** The approvals still waiting for a decision or for their call to finish. */
export function openApprovals(state: Tracked): string[] {
  return Object.values(state)
    .filter((approval) => !FINAL_STATUSES.includes(approval.status))
    .map((approval) => approval.id);
}

export function loadTracked(storage: Storage = window.sessionStorage): Tracked {
  try {
    const parsed = JSON.parse(storage.getItem(STORAGE_KEY) ?? "{}") as unknown;
    return parsed && typeof parsed === "object" ? (parsed as Tracked) : {};
  } catch {
    return {};
  }
}

export function saveTracked(state: Tracked, storage: Storage = window.sessionStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(state));
}
