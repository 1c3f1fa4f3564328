/**
 * Home: today's KPI tiles from the `/ws/dashboard` snapshot and its deltas (the `summary`
 * metrics, compared with yesterday's from `/analytics/summary`), the gross-volume chart, balances,
 * next payouts, and the live feed of `/ws/payments` (new events invalidate the payments queries).
 */
import Box from "@mui/material/Box";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Chip from "@mui/material/Chip";
import List from "@mui/material/List";
import ListItemButton from "@mui/material/ListItemButton";
import ListItemText from "@mui/material/ListItemText";
import Typography from "@mui/material/Typography";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useReducer } from "react";
import { Link } from "react-router";

import { apiJson } from "../api/client";
import { fetchPage } from "../api/lists";
import { useAuth } from "../auth/AuthProvider";
import { Money, PageHeader, StatusChip } from "../components/common";
import {
  dashboardReducer,
  emptyFeed,
  emptyFigures,
  feedReducer,
  type LiveEvent,
} from "../live/reducer";
import { useStream } from "../live/useStream";
import { GrossVolumeCard, SummaryTiles, useDaySummary } from "./analytics/HomeAnalytics";
import { emptyLiveSummary, liveSummaryReducer, utcDay } from "./analytics/summary";

interface BalanceAmount {
  amount: number;
  currency: string;
}

function eventLink(event: LiveEvent): string | null {
  const id = event.data.object.id;
  if (typeof id !== "string") return null;
  if (id.startsWith("pay_")) return `/payments/${id}`;
  if (id.startsWith("dp_") || id.startsWith("dis")) return `/disputes`;
  if (typeof event.data.object.payment === "string")
    return `/payments/${event.data.object.payment}`;
  return null;
}

export default function HomePage() {
  const auth = useAuth();
  const queryClient = useQueryClient();
  const [figures, dispatchFigures] = useReducer(dashboardReducer, emptyFigures);
  const [feed, dispatchFeed] = useReducer(feedReducer, emptyFeed);
  const [liveSummary, dispatchSummary] = useReducer(liveSummaryReducer, emptyLiveSummary);
  const canAnalytics = auth.can("analytics:read");
  const canPayments = auth.can("payments:read");
  const dashboardStatus = useStream(
    "/ws/dashboard",
    (m) => {
      dispatchFigures(m as never);
      dispatchSummary(m as never);
    },
    canAnalytics,
  );
  const today = liveSummary.day ?? figures.day ?? utcDay(new Date());
  const summary = useDaySummary(today, canAnalytics);
  useStream(
    "/ws/payments",
    (message) => {
      dispatchFeed(message as never);
      if (message.type === "event") {
        void queryClient.invalidateQueries({ queryKey: ["/payments"] });
        void queryClient.invalidateQueries({ queryKey: ["/balance"] });
      }
    },
    canPayments,
  );
  const balance = useQuery({
    queryKey: ["/balance"],
    queryFn: () => apiJson<{ available: BalanceAmount[]; pending: BalanceAmount[] }>("/balance"),
    enabled: auth.can("wallets:read"),
  });
  const payouts = useQuery({
    queryKey: ["/payouts", "home"],
    queryFn: () =>
      fetchPage<{
        id: string;
        amount: number;
        currency: string;
        status: string;
        arrival_date?: string;
      }>("/payouts", { limit: 5 }),
    enabled: auth.can("wallets:read"),
  });
  const currencies = Object.keys(
    liveSummary.figures?.currencies ?? summary.data?.currencies ?? figures.currencies,
  ).sort();

  return (
    <Box>
      <PageHeader
        title="Today"
        actions={
          <Chip
            size="small"
            label={canAnalytics ? `live: ${dashboardStatus}` : "no analytics scope"}
            color={dashboardStatus === "open" ? "success" : "default"}
            data-testid="live-status"
          />
        }
      />
      {currencies.length === 0 && (
        <Typography color="text.secondary" sx={{ mb: 3 }} data-testid="no-figures">
          {figures.version ? "No payments yet today." : "Waiting for today's figures…"}
        </Typography>
      )}
      <SummaryTiles live={liveSummary.figures} rest={summary.data} />
      {canAnalytics && <GrossVolumeCard today={today} enabled={canAnalytics} />}
      <Box sx={{ display: "grid", gap: 2, gridTemplateColumns: { xs: "1fr", md: "1fr 1fr" } }}>
        <Card variant="outlined">
          <CardContent>
            <Typography variant="h6" component="h2">
              Live feed
            </Typography>
            <List dense component="div" data-testid="live-feed" aria-live="polite">
              {feed.events.map((event) => {
                const link = eventLink(event);
                const obj = event.data.object;
                return (
                  <ListItemButton
                    key={event.id}
                    component={link ? Link : "div"}
                    to={link ?? undefined}
                    sx={{ minHeight: 44 }}
                  >
                    <ListItemText
                      primary={
                        <span>
                          {event.type} ·{" "}
                          {obj.amount !== undefined && obj.currency ? (
                            <Money amount={obj.amount} currency={obj.currency} />
                          ) : null}
                        </span>
                      }
                      secondary={String(obj.id ?? event.id)}
                    />
                    <StatusChip status={typeof obj.status === "string" ? obj.status : undefined} />
                  </ListItemButton>
                );
              })}
              {feed.events.length === 0 && (
                <Typography color="text.secondary">Events appear here as they happen.</Typography>
              )}
            </List>
          </CardContent>
        </Card>
        <Box sx={{ display: "grid", gap: 2, alignContent: "start" }}>
          <Card variant="outlined">
            <CardContent>
              <Typography variant="h6" component="h2">
                Balances
              </Typography>
              {balance.data?.available.map((row) => (
                <Typography key={row.currency} data-testid={`balance-${row.currency}`}>
                  Available <Money amount={row.amount} currency={row.currency} />
                </Typography>
              ))}
              {balance.data?.pending.map((row) => (
                <Typography key={row.currency} color="text.secondary">
                  Pending <Money amount={row.amount} currency={row.currency} />
                </Typography>
              ))}
              {balance.data && !balance.data.available.length && (
                <Typography color="text.secondary">No balance yet.</Typography>
              )}
            </CardContent>
          </Card>
          <Card variant="outlined">
            <CardContent>
              <Typography variant="h6" component="h2">
                Next payouts
              </Typography>
              {payouts.data?.data.map((payout) => (
                <Typography key={payout.id}>
                  <Money amount={payout.amount} currency={payout.currency} /> · {payout.status}
                </Typography>
              ))}
              {payouts.data && !payouts.data.data.length && (
                <Typography color="text.secondary">No payouts.</Typography>
              )}
            </CardContent>
          </Card>
        </Box>
      </Box>
    </Box>
  );
}
