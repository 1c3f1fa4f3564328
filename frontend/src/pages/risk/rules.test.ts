import { ruleBody, ruleFields } from "./RiskRulesPage";

describe("risk rule dialog", () => {
  it("a new rule defaults to review, enabled, placed last", () => {
    const fields = Object.fromEntries(
      ruleFields().map((field) => [field.name, field.defaultValue]),
    );
    expect(fields).toEqual({
      name: undefined,
      expression: undefined,
      action: "review",
      position: undefined,
      enabled: "true",
    });
  });

  it("editing prefills the rule's values as strings", () => {
    const fields = ruleFields({
      name: "Big",
      expression: "amount > 100",
      action: "block",
      position: 0,
      enabled: false,
    });
    expect(fields.map((field) => field.defaultValue)).toEqual([
      "Big",
      "amount > 100",
      "block",
      "0",
      "false",
    ]);
  });

  it("sends enabled as a boolean and keeps the rest", () => {
    expect(
      ruleBody({
        name: "Big",
        expression: "amount > 100",
        action: "block",
        position: 2,
        enabled: "false",
      }),
    ).toEqual({
      name: "Big",
      expression: "amount > 100",
      action: "block",
      position: 2,
      enabled: false,
    });
    expect(ruleBody({ name: "x" })).toEqual({ name: "x" });
  });
});
