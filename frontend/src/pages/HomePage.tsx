/**
 * Home: today's KPI tiles from the `/ws/dashboard` snapshot and its deltas, balances, next
 * payouts, and the live feed of `/ws/payments` (new events invalidate the payments queries).
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
import { dashboardReducer, emptyFeed, emptyFigures, feedReducer, type CurrencyFigures, type LiveEvent } from "../live/reducer";
import { useStream } from "../live/useStream";

interface BalanceAmount {
  amount: number;
  currency: string;
}

function Tile({ label, value, testId }: { label: string; value: React.ReactNode; testId: string }) {
  return (
    <Card variant="outlined" sx={{ height: "100%" }}>
      <CardContent>
        <Typography variant="body2" color="text.secondary">
          {label}
        </Typography>
        <Typography variant="h5" component="p" data-testid={testId} sx={{ fontVariantNumeric: "tabular-nums" }}>
          {value}
        </Typography>
      </CardContent>
    </Card>
  );
}

function rate(bps: number | null | undefined): string {
  if (bps === null || bps === undefined) return "—";
  return `${Math.floor(bps / 100)}.${String(bps % 100).padStart(2, "0")} %`;
}

export function CurrencyTiles({ currency, figures }: { currency: string; figures: CurrencyFigures }) {
  const attempts = figures.payments_count + figures.failed_count;
  const refundRate = attempts ? Math.round((figures.refunds_count * 10000) / Math.max(figures.payments_count, 1)) : null;
  const disputeRate = attempts ? Math.round((figures.disputes_count * 10000) / Math.max(figures.payments_count, 1)) : null;
  const net = figures.gross_volume - figures.refunds_volume;
  return (
    <Box sx={{ display: "grid", gap: 2, gridTemplateColumns: { xs: "1fr", sm: "repeat(2, 1fr)", md: "repeat(3, 1fr)" }, mb: 3 }} data-currency={currency}>
      <Tile label={`Gross volume · ${currency.toUpperCase()}`} value={<Money amount={figures.gross_volume} currency={currency} />} testId={`tile-gross-${currency}`} />
      <Tile label="Net (gross − refunds)" value={<Money amount={net} currency={currency} />} testId={`tile-net-${currency}`} />
      <Tile label="Successful payments" value={figures.payments_count} testId={`tile-count-${currency}`} />
      <Tile label="Authorization rate" value={rate(figures.success_rate_bps)} testId={`tile-rate-${currency}`} />
      <Tile label="Refund rate" value={rate(refundRate)} testId={`tile-refund-rate-${currency}`} />
      <Tile label="Dispute rate" value={rate(disputeRate)} testId={`tile-dispute-rate-${currency}`} />
    </Box>
  );
}

function eventLink(event: LiveEvent): string | null {
  const id = event.data.object.id;
  if (typeof id !== "string") return null;
  if (id.startsWith("pay_")) return `/payments/${id}`;
  if (id.startsWith("dp_") || id.startsWith("dis")) return `/disputes`;
  if (typeof event.data.object.payment === "string") return `/payments/${event.data.object.payment}`;
  return null;
}

export default function HomePage() {
  const auth = useAuth();
  const queryClient = useQueryClient();
  const [figures, dispatchFigures] = useReducer(dashboardReducer, emptyFigures);
  const [feed, dispatchFeed] = useReducer(feedReducer, emptyFeed);
  const canAnalytics = auth.can("analytics:read");
  const canPayments = auth.can("payments:read");
  const dashboardStatus = useStream("/ws/dashboard", (m) => dispatchFigures(m as never), canAnalytics);
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
    queryFn: () => fetchPage<{ id: string; amount: number; currency: string; status: string; arrival_date?: string }>("/payouts", { limit: 5 }),
    enabled: auth.can("wallets:read"),
  });
  const currencies = Object.keys(figures.currencies).sort();

  return (
    <Box>
      <PageHeader
        title="Today"
        actions={<Chip size="small" label={canAnalytics ? `live: ${dashboardStatus}` : "no analytics scope"} color={dashboardStatus === "open" ? "success" : "default"} data-testid="live-status" />}
      />
      {currencies.length === 0 && (
        <Typography color="text.secondary" sx={{ mb: 3 }} data-testid="no-figures">
          {figures.version ? "No payments yet today." : "Waiting for today's figures…"}
        </Typography>
      )}
      {currencies.map((currency) => (
        <CurrencyTiles key={currency} currency={currency} figures={figures.currencies[currency]!} />
      ))}
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
                  <ListItemButton key={event.id} component={link ? Link : "div"} to={link ?? undefined} sx={{ minHeight: 44 }}>
                    <ListItemText
                      primary={
                        <span>
                          {event.type} · {obj.amount !== undefined && obj.currency ? <Money amount={obj.amount} currency={obj.currency} /> : null}
                        </span>
                      }
                      secondary={String(obj.id ?? event.id)}
                    />
                    <StatusChip status={typeof obj.status === "string" ? obj.status : undefined} />
                  </ListItemButton>
                );
              })}
              {feed.events.length === 0 && <Typography color="text.secondary">Events appear here as they happen.</Typography>}
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
              {balance.data && !balance.data.available.length && <Typography color="text.secondary">No balance yet.</Typography>}
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
              {payouts.data && !payouts.data.data.length && <Typography color="text.secondary">No payouts.</Typography>}
            </CardContent>
          </Card>
        </Box>
      </Box>
    </Box>
  );
}
