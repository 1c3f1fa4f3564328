/**
 * The assistant's MCP client: streamable HTTP to `/mcp` with the dashboard user's JWT, so the
 * calls run with the user's role scopes and under the merchant's assistant policy.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

import { refreshTokens } from "../api/client";
import { getTokens } from "../api/session";

export interface ToolInfo {
  name: string;
  title?: string;
  description?: string;
  inputSchema: { type: "object"; properties?: Record<string, unknown>; required?: string[] };
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean };
}

/** Money-moving tools take `dry_run` (the server rolls the call back and reports it). */
export function movesMoney(tool: ToolInfo): boolean {
  return Boolean(tool.inputSchema.properties && "dry_run" in tool.inputSchema.properties);
}

type JsonSchema = Record<string, unknown>;

/**
 * A nullable property (`anyOf: [X, {"type": "null"}]`, or `type: [t, "null"]`) as plain X: the
 * form would otherwise ask the user to pick "Option 1" before typing; an empty optional field is
 * simply not sent. Other properties are returned unchanged.
 */
export function withoutNull(property: JsonSchema): JsonSchema {
  const isNull = (branch: unknown) => (branch as JsonSchema | null)?.type === "null";
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const branches = property[keyword];
    if (!Array.isArray(branches) || !branches.some(isNull)) continue;
    const rest = branches.filter((branch) => !isNull(branch)) as JsonSchema[];
    if (rest.length !== 1) return property;
    const outer: JsonSchema = { ...property };
    delete outer[keyword];
    if (outer.default === null) delete outer.default;
    return { ...rest[0], ...outer };
  }
  if (Array.isArray(property.type) && property.type.includes("null")) {
    const types = (property.type as string[]).filter((type) => type !== "null");
    const plain: JsonSchema = { ...property, type: types.length === 1 ? types[0] : types };
    if (plain.default === null) delete plain.default;
    return plain;
  }
  return property;
}

/** The tool's form schema: its input schema without `dry_run` (the panel drives that itself),
 * nullable properties as plain ones (`withoutNull`). */
export function formSchema(tool: ToolInfo): ToolInfo["inputSchema"] {
  const properties: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(tool.inputSchema.properties ?? {})) {
    if (name !== "dry_run") properties[name] = withoutNull(property as JsonSchema);
  }
  return {
    ...tool.inputSchema,
    properties,
    required: (tool.inputSchema.required ?? []).filter((r) => r !== "dry_run"),
  };
}

/** The object of a tool result: structured content, else the first text block parsed as JSON. */
export function resultObject(result: {
  structuredContent?: unknown;
  content?: unknown;
}): Record<string, unknown> {
  if (result.structuredContent && typeof result.structuredContent === "object") {
    return result.structuredContent as Record<string, unknown>;
  }
  const blocks = (result.content ?? []) as { type: string; text?: string }[];
  const text = blocks.find((block) => block.type === "text")?.text ?? "";
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { text };
  }
}

/** The dashboard page of an object id: pay_ → /payments/…, re_ → /refunds?payment=…, etc. */
export function pageFor(id: unknown): string | null {
  if (typeof id !== "string") return null;
  const prefix = id.split("_")[0];
  const pages: Record<string, string> = {
    pay: `/payments/${id}`,
    cus: `/customers/${id}`,
    wal: `/wallets`,
    tr: `/transfers`,
    po: `/balance`,
    appr: `/agents/approvals`,
    evt: `/developers/events/${id}`,
  };
  return prefix ? (pages[prefix] ?? null) : null;
}

export async function connect(): Promise<Client> {
  const open = async () => {
    const client = new Client({ name: "mcp-payments-dashboard", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL("/mcp", window.location.origin), {
      requestInit: { headers: { Authorization: `Bearer ${getTokens()?.access ?? ""}` } },
    });
    await client.connect(transport);
    return client;
  };
  try {
    return await open();
  } catch (exc) {
    // An expired access token: refresh once and try again.
    if (await refreshTokens()) return open();
    throw exc;
  }
}
