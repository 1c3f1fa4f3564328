import { ApiError, fieldForParam, toApiError } from "./errors";

describe("error envelope", () => {
  it("becomes a typed ApiError with its param", () => {
    const error = toApiError(402, {
      error: {
        type: "card_error",
        code: "card_declined",
        message: "Your card was declined.",
        param: "payment_method",
        decline_code: "insufficient_funds",
      },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.type, error.code, error.param, error.message]).toEqual([
      402,
      "card_error",
      "card_declined",
      "payment_method",
      "Your card was declined.",
    ]);
    expect(error.body.decline_code).toBe("insufficient_funds");
  });

  it("still gives an ApiError for a body without the envelope", () => {
    const error = toApiError(502, "<html>bad gateway</html>");
    expect([error.code, error.param, error.message]).toEqual([
      "server_error",
      null,
      "The server answered 502.",
    ]);
    expect(toApiError(418, null).code).toBe("unknown");
  });

  it.each([
    ["amount", ["amount", "reason"], "amount"],
    [
      "agent_policy[max_amount_per_call]",
      ["agent_policy.max_amount_per_call"],
      "agent_policy.max_amount_per_call",
    ],
    ["agent_policy[daily_limit][usd]", ["agent_policy.daily_limit"], "agent_policy.daily_limit"],
    ["scopes[0]", ["scopes", "name"], "scopes"],
    ["expression:14", ["name", "expression"], "expression"],
    ["currency", ["amount"], null],
    [null, ["amount"], null],
  ])("maps param %j onto the form field", (param, fields, expected) => {
    expect(fieldForParam(param, fields)).toBe(expected);
  });
});
