import { formSchema, movesMoney, pageFor, withoutNull, type ToolInfo } from "./mcp";

const CREATE_PAYMENT: ToolInfo = {
  name: "create_payment",
  inputSchema: {
    type: "object",
    properties: {
      amount: { type: "integer", minimum: 1 },
      customer: {
        anyOf: [{ type: "string", maxLength: 40 }, { type: "null" }],
        default: null,
        title: "customer",
      },
      description: { type: ["string", "null"], maxLength: 500 },
      metadata: { oneOf: [{ type: "object" }, { type: "string" }, { type: "null" }] },
      dry_run: { type: "boolean", default: false },
    },
    required: ["amount", "dry_run"],
  },
};

describe("assistant tool forms", () => {
  it("a nullable property becomes the plain one (no 'Option 2' picker), keeping its title", () => {
    expect(
      withoutNull({
        anyOf: [{ type: "string", maxLength: 40 }, { type: "null" }],
        default: null,
        title: "customer",
      }),
    ).toEqual({
      type: "string",
      maxLength: 40,
      title: "customer",
    });
    expect(withoutNull({ type: ["string", "null"], maxLength: 500 })).toEqual({
      type: "string",
      maxLength: 500,
    });
    expect(withoutNull({ type: "integer" })).toEqual({ type: "integer" });
  });

  it("a property with two real branches stays a choice", () => {
    const metadata = { oneOf: [{ type: "object" }, { type: "string" }, { type: "null" }] };
    expect(withoutNull(metadata)).toBe(metadata);
  });

  it("the form drops dry_run (the panel drives it) and keeps the rest", () => {
    expect(movesMoney(CREATE_PAYMENT)).toBe(true);
    const schema = formSchema(CREATE_PAYMENT);
    expect(Object.keys(schema.properties ?? {})).toEqual([
      "amount",
      "customer",
      "description",
      "metadata",
    ]);
    expect(schema.required).toEqual(["amount"]);
    expect(schema.properties?.customer).toEqual({
      type: "string",
      maxLength: 40,
      title: "customer",
    });
  });

  it("links results and approvals to their pages", () => {
    expect(pageFor("pay_01H")).toBe("/payments/pay_01H");
    expect(pageFor("appr_01H")).toBe("/agents/approvals");
    expect(pageFor("cus_01H")).toBe("/customers/cus_01H");
    expect(pageFor("xyz_1")).toBeNull();
    expect(pageFor(42)).toBeNull();
  });
});
