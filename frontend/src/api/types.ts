/** Short names for the generated schema's objects. */
import type { components } from "./schema";

type S = components["schemas"];
export type Payment = S["Payment"];
export type Refund = S["Refund"];
export type ApiKey = S["ApiKey"];
export type TeamMember = S["TeamMember"];
export type WhoAmI = S["WhoAmI"];
export type Event = S["Event"];

/** The API's cursor list envelope. */
export interface ListPage<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}
export type AssistantPolicy = S["AssistantPolicy"];
export type AgentApproval = S["AgentApproval"];
