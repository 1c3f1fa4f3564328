/**
 * Pure reducers of the WebSocket streams (docs/api.md "WebSockets"):
 *  - the dashboard figures: a `snapshot` replaces everything, a `delta` replaces the currencies it
 *    names (each with its new values);
 *  - the live feed of events: newest first, deduplicated by event id (a resume may replay what was
 *    already seen), bounded, and remembering the last event id to resume after.
 */
export interface CurrencyFigures {
  gross_volume: number;
  payments_count: number;
  failed_count: number;
  success_rate_bps: number | null;
  refunds_count: number;
  refunds_volume: number;
  disputes_count: number;
  disputes_volume: number;
  payments_last_minute: number;
  payments_per_second: string;
}

export interface DashboardFigures {
  asOf: string | null;
  day: string | null;
  currencies: Record<string, CurrencyFigures>;
  /** Bumped on every message: tiles flash when it changes. */
  version: number;
}

export type DashboardMessage =
  | { type: "snapshot"; as_of: string; day: string; currencies: Record<string, CurrencyFigures> }
  | { type: "delta"; as_of?: string; day?: string; currencies: Record<string, CurrencyFigures> }
  | { type: "ping" | "pong" | "error" | "resumed"; [key: string]: unknown };

export const emptyFigures: DashboardFigures = { asOf: null, day: null, currencies: {}, version: 0 };

export function dashboardReducer(
  state: DashboardFigures,
  message: DashboardMessage,
): DashboardFigures {
  if (message.type === "snapshot") {
    const m = message as Extract<DashboardMessage, { type: "snapshot" }>;
    return {
      asOf: m.as_of,
      day: m.day,
      currencies: { ...m.currencies },
      version: state.version + 1,
    };
  }
  if (message.type === "delta") {
    const m = message as Extract<DashboardMessage, { type: "delta" }>;
    if (m.day && state.day && m.day !== state.day) {
      // A new UTC day: the delta's currencies are the whole day so far.
      return {
        asOf: m.as_of ?? state.asOf,
        day: m.day,
        currencies: { ...m.currencies },
        version: state.version + 1,
      };
    }
    return {
      asOf: m.as_of ?? state.asOf,
      day: m.day ?? state.day,
      currencies: { ...state.currencies, ...m.currencies },
      version: state.version + 1,
    };
  }
  return state;
}

export interface LiveEvent {
  id: string;
  type: string;
  created: number | string;
  data: { object: Record<string, unknown> & { id?: string; amount?: number; currency?: string } };
  [key: string]: unknown;
}

export interface Feed {
  events: LiveEvent[];
  lastEventId: string | null;
  seen: ReadonlySet<string>;
}

export const FEED_LIMIT = 50;
export const emptyFeed: Feed = { events: [], lastEventId: null, seen: new Set() };

export function feedReducer(state: Feed, message: { type: string; event?: LiveEvent }): Feed {
  if (message.type !== "event" || !message.event) return state;
  const event = message.event;
  if (state.seen.has(event.id)) return state;
  const seen = new Set(state.seen);
  seen.add(event.id);
  return { events: [event, ...state.events].slice(0, FEED_LIMIT), lastEventId: event.id, seen };
}

/** The message a reconnecting socket sends so the server replays what it missed. */
export function resumeMessage(
  lastEventId: string | null,
): { type: "resume"; after: string } | null {
  return lastEventId ? { type: "resume", after: lastEventId } : null;
}
