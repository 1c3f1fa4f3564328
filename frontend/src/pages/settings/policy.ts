/**
 * The agent policy editor's model: the form's strings → the API's `agent_policy` object
 * (API.md §7: max_amount_per_call, daily_limit per currency, approval_above, allowed_tools,
 * expires_at, read_only), amounts typed as decimals in the policy's currency and sent as integer
 * minor units. Errors are keyed by the field they belong to.
 */
import { MoneyParseError, parseMoney, toDecimalString } from "../../money/money";

export interface PolicyForm {
  currency: string;
  max_amount_per_call: string;
  approval_above: string;
  /** "usd=500.00, eur=100" */
  daily_limit: string;
  /** comma or space separated tool names; empty = every tool */
  allowed_tools: string;
  /** yyyy-mm-dd or empty */
  expires_at: string;
  read_only: boolean;
}

export interface AgentPolicy {
  max_amount_per_call: number | null;
  approval_above: number | null;
  daily_limit: Record<string, number>;
  allowed_tools: string[] | null;
  expires_at: string | null;
  read_only: boolean;
}

export const emptyPolicyForm: PolicyForm = {
  currency: "usd",
  max_amount_per_call: "",
  approval_above: "",
  daily_limit: "",
  allowed_tools: "",
  expires_at: "",
  read_only: false,
};

export type PolicyResult =
  | { ok: true; policy: AgentPolicy }
  | { ok: false; errors: Partial<Record<keyof PolicyForm, string>> };

function amount(text: string, currency: string): number | null {
  return text.trim() ? parseMoney(text, currency) : null;
}

export function policyFromForm(form: PolicyForm, now: Date = new Date()): PolicyResult {
  const errors: Partial<Record<keyof PolicyForm, string>> = {};
  const policy: AgentPolicy = {
    max_amount_per_call: null,
    approval_above: null,
    daily_limit: {},
    allowed_tools: null,
    expires_at: null,
    read_only: form.read_only,
  };
  for (const field of ["max_amount_per_call", "approval_above"] as const) {
    try {
      policy[field] = amount(form[field], form.currency);
    } catch (exc) {
      errors[field] = exc instanceof MoneyParseError ? exc.message : String(exc);
    }
  }
  if (
    policy.max_amount_per_call !== null &&
    policy.approval_above !== null &&
    policy.approval_above > policy.max_amount_per_call
  ) {
    errors.approval_above = "The approval threshold must not exceed the per-call maximum.";
  }
  for (const part of form.daily_limit
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [currency = "", value = ""] = part.split("=").map((p) => p.trim());
    try {
      const limit = parseMoney(value, currency);
      policy.daily_limit[currency.toLowerCase()] = limit;
    } catch (exc) {
      errors.daily_limit = `${part}: ${exc instanceof MoneyParseError ? exc.message : String(exc)} Write currency=amount, e.g. usd=500.`;
    }
  }
  const tools = form.allowed_tools.split(/[\s,]+/).filter(Boolean);
  policy.allowed_tools = tools.length ? Array.from(new Set(tools)) : null;
  if (form.expires_at) {
    const expires = new Date(`${form.expires_at}T00:00:00Z`);
    if (Number.isNaN(expires.getTime())) errors.expires_at = "Enter a date.";
    else if (expires <= now) errors.expires_at = "The expiry must be in the future.";
    else policy.expires_at = expires.toISOString().replace(".000", "");
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, policy };
}

/** `POST /api_keys/{id}/policy_check`'s answer (docs/api.md, agent policy). */
export interface Verdict {
  allowed: boolean;
  approval_required: boolean;
  refusal: { code: string; message: string; param: string | null } | null;
}

/** One line for the verdict: refused (with the policy field), needs approval, or allowed. */
export function describeVerdict(verdict: Verdict): string {
  if (!verdict.allowed) {
    const field = verdict.refusal?.param ? ` — ${verdict.refusal.param}` : "";
    return `Server: refused${field}${verdict.refusal ? ` (${verdict.refusal.message})` : ""}`;
  }
  return verdict.approval_required ? "Server: needs approval" : "Server: allowed";
}

/**
 * The editor's form for a stored policy (the inverse of `policyFromForm`): minor units become
 * the exact decimal strings of `currency` (the form's currency; a daily limit keeps its own),
 * `expires_at` its UTC date. Null fields become empty strings (no limit).
 */
export function formFromPolicy(
  policy: Partial<AgentPolicy> | null | undefined,
  currency = "usd",
): PolicyForm {
  if (!policy) return { ...emptyPolicyForm, currency };
  const amount = (value: number | null | undefined) =>
    value === null || value === undefined ? "" : toDecimalString(value, currency);
  return {
    currency,
    max_amount_per_call: amount(policy.max_amount_per_call),
    approval_above: amount(policy.approval_above),
    daily_limit: Object.entries(policy.daily_limit ?? {})
      .map(([code, limit]) => `${code}=${toDecimalString(limit, code)}`)
      .join(", "),
    allowed_tools: (policy.allowed_tools ?? []).join(", "),
    expires_at: policy.expires_at ? policy.expires_at.slice(0, 10) : "",
    read_only: Boolean(policy.read_only),
  };
}

/** The editor field a server error's `param` belongs to (`daily_limit[usd]` → daily_limit,
 * `agent_policy[approval_above]` → approval_above), or null when it names none. */
export function policyFieldForParam(param: string | null | undefined): keyof PolicyForm | null {
  if (!param) return null;
  const fields: (keyof PolicyForm)[] = [
    "max_amount_per_call",
    "approval_above",
    "daily_limit",
    "allowed_tools",
    "expires_at",
    "read_only",
  ];
  const name = param.replace(/^agent_policy\[(\w+)\].*$/, "$1").replace(/[[.].*$/, "");
  return fields.find((field) => field === name) ?? null;
}
