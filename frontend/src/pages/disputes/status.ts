/** Statuses in which a dispute takes evidence and can be accepted (the API's open ones). */
export const OPEN_DISPUTE: ReadonlySet<string> = new Set([
  "needs_response",
  "warning_needs_response",
  "under_review",
]);
