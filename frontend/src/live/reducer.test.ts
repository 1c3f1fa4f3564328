import {
  dashboardReducer,
  emptyFeed,
  emptyFigures,
  FEED_LIMIT,
  feedReducer,
  resumeMessage,
  type CurrencyFigures,
  type LiveEvent,
} from "./reducer";

const figures = (gross: number, count: number): CurrencyFigures => ({
  gross_volume: gross,
  payments_count: count,
  failed_count: 0,
  success_rate_bps: 10000,
  refunds_count: 0,
  refunds_volume: 0,
  disputes_count: 0,
  disputes_volume: 0,
  payments_last_minute: count,
  payments_per_second: "0.02",
});

const event = (id: string): LiveEvent => ({
  id,
  type: "payment.succeeded",
  created: 1,
  data: { object: { id: `pay_${id}`, amount: 100, currency: "usd" } },
});

describe("dashboard reducer", () => {
  it("a snapshot replaces everything, a delta replaces only its currencies", () => {
    const snap = dashboardReducer(emptyFigures, {
      type: "snapshot",
      as_of: "t1",
      day: "2026-11-30",
      currencies: { usd: figures(1000, 1), eur: figures(500, 1) },
    });
    expect(snap.currencies.usd!.gross_volume).toBe(1000);
    const delta = dashboardReducer(snap, {
      type: "delta",
      as_of: "t2",
      day: "2026-11-30",
      currencies: { usd: figures(3000, 2) },
    });
    expect(delta.currencies.usd!.gross_volume).toBe(3000);
    expect(delta.currencies.eur!.gross_volume).toBe(500);
    expect(delta.asOf).toBe("t2");
    expect(delta.version).toBe(2);
    const again = dashboardReducer(delta, {
      type: "snapshot",
      as_of: "t3",
      day: "2026-11-30",
      currencies: { gbp: figures(1, 1) },
    });
    expect(Object.keys(again.currencies)).toEqual(["gbp"]);
  });

  it("a delta of a new day starts the day over; pings change nothing", () => {
    const snap = dashboardReducer(emptyFigures, {
      type: "snapshot",
      as_of: "t1",
      day: "2026-11-29",
      currencies: { usd: figures(1000, 1) },
    });
    const next = dashboardReducer(snap, {
      type: "delta",
      day: "2026-11-30",
      currencies: { eur: figures(5, 1) },
    });
    expect(Object.keys(next.currencies)).toEqual(["eur"]);
    expect(dashboardReducer(next, { type: "ping" })).toBe(next);
  });
});

describe("live feed reducer and resume", () => {
  it("keeps newest first, drops replayed duplicates, remembers the last id", () => {
    let feed = feedReducer(emptyFeed, { type: "event", event: event("evt_1") });
    feed = feedReducer(feed, { type: "event", event: event("evt_2") });
    const replayed = feedReducer(feed, { type: "event", event: event("evt_1") });
    expect(replayed).toBe(feed);
    expect(feed.events.map((e) => e.id)).toEqual(["evt_2", "evt_1"]);
    expect(feed.lastEventId).toBe("evt_2");
    expect(resumeMessage(feed.lastEventId)).toEqual({ type: "resume", after: "evt_2" });
    expect(resumeMessage(null)).toBeNull();
    expect(feedReducer(feed, { type: "resumed" })).toBe(feed);
  });

  it("is bounded", () => {
    let feed = emptyFeed;
    for (let i = 0; i < FEED_LIMIT + 5; i++)
      feed = feedReducer(feed, { type: "event", event: event(`evt_${i}`) });
    expect(feed.events).toHaveLength(FEED_LIMIT);
    expect(feed.events[0]!.id).toBe(`evt_${FEED_LIMIT + 4}`);
  });
});
