/**
 * The API's error envelope (`{"error": {type, code, message, param}}`) as a typed error, and the
 * mapping of its `param` onto a form field: "amount" → "amount",
 * "agent_policy[max_amount_per_call]" → "agent_policy.max_amount_per_call",
 * "scopes[0]" → "scopes".
 */
export interface ErrorBody {
  type: string;
  code: string;
  message: string;
  param?: string | null;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  readonly type: string;
  readonly code: string;
  readonly param: string | null;
  readonly body: ErrorBody;

  constructor(
    readonly status: number,
    body: ErrorBody,
  ) {
    super(body.message);
    this.name = "ApiError";
    this.type = body.type;
    this.code = body.code;
    this.param = body.param ?? null;
    this.body = body;
  }
}

/** Turn any response body into an ApiError (a body without the envelope still gives one). */
export function toApiError(status: number, payload: unknown): ApiError {
  const error = (payload as { error?: Partial<ErrorBody> } | null)?.error;
  if (error && typeof error.message === "string") {
    return new ApiError(status, {
      ...error,
      type: error.type ?? "api_error",
      code: error.code ?? "unknown",
      message: error.message,
      param: error.param ?? null,
    });
  }
  return new ApiError(status, {
    type: "api_error",
    code: status >= 500 ? "server_error" : "unknown",
    message: `The server answered ${status}.`,
  });
}

/**
 * The form field a `param` names, in react-hook-form's dotted path, or null when the error is not
 * about a field the form has. Array indexes of scalar lists collapse onto the list field.
 */
export function fieldForParam(
  param: string | null | undefined,
  fields: readonly string[],
): string | null {
  if (!param) return null;
  // "expression:14" (a character offset into the field, risk rules) names the field itself.
  const dotted = param.replace(/:\d+$/, "").replace(/\[(\w+)\]/g, ".$1");
  let candidate = dotted;
  while (candidate) {
    if (fields.includes(candidate)) return candidate;
    const cut = candidate.lastIndexOf(".");
    if (cut < 0) break;
    candidate = candidate.slice(0, cut);
  }
  return null;
}
