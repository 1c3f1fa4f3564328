import {
  changedChannels,
  preferencesBody,
  smsWithoutPhone,
  toggleChannel,
} from "./notificationPreferences";

describe("notification preferences", () => {
  it("switches one channel of one kind, keeping the canonical order and the other kinds", () => {
    const channels = { "payout.paid": ["in_app" as const], "dispute.created": ["email" as const] };
    expect(toggleChannel(channels, "payout.paid", "email", true)).toEqual({
      "payout.paid": ["email", "in_app"],
      "dispute.created": ["email"],
    });
    expect(toggleChannel(channels, "dispute.created", "email", false)).toEqual({
      "payout.paid": ["in_app"],
      "dispute.created": [],
    });
    expect(toggleChannel(channels, "payout.paid", "in_app", true)).toEqual(channels);
  });

  it("sends every kind's list and an empty phone as null", () => {
    expect(preferencesBody({ a: ["email"] }, "  ")).toEqual({
      channels: { a: ["email"] },
      phone: null,
    });
    expect(preferencesBody({}, " +14155550123 ")).toEqual({ channels: {}, phone: "+14155550123" });
  });

  it("names the kinds that want SMS without a phone", () => {
    expect(smsWithoutPhone({ a: ["sms"], b: ["email"], c: ["email", "sms"] }, "")).toEqual([
      "a",
      "c",
    ]);
    expect(smsWithoutPhone({ a: ["sms"] }, "+14155550123")).toEqual([]);
  });

  it("sends only the kinds that changed, each complete", () => {
    const stored = { a: ["email" as const, "sms" as const], b: ["in_app" as const] };
    expect(changedChannels(stored, { a: ["sms", "email"], b: ["in_app"] })).toEqual({});
    expect(changedChannels(stored, { a: ["email", "sms"], b: ["email", "in_app"] })).toEqual({
      b: ["email", "in_app"],
    });
    expect(changedChannels(stored, { a: ["email"], b: ["in_app"] })).toEqual({ a: ["email"] });
  });
});
