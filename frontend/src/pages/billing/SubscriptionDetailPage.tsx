/**
 * One subscription: status, plan, period, discount, pause and cancellation; the upcoming invoice
 * (`GET /invoices/upcoming`); its invoices; raw JSON. Actions (hidden without `billing:write`),
 * each a dialog held in the URL as `?dialog=`: change plan with a proration preview, cancel now or
 * at period end, pause, resume.
 */
import Box from "@mui/material/Box";
import Typography from "@mui/material/Typography";
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";

import { apiJson } from "../../api/client";
import { ApiError } from "../../api/errors";
import { fetchPage } from "../../api/lists";
import { useAuth } from "../../auth/AuthProvider";
import {
  ErrorAlert,
  Field,
  JsonView,
  Money,
  PageHeader,
  StatusChip,
  timestamp,
} from "../../components/common";
import { useUrlState } from "../../hooks/useUrlState";
import NotFoundPage from "../NotFoundPage";
import ChangePlanDialog from "./ChangePlanDialog";
import { LinesTable } from "./LinesTable";
import { useBillingLive } from "./live";
import {
  ActionButtons,
  DetailCards,
  DetailTabs,
  InvoicesTable,
  PostDialog,
  PriceLabel,
} from "./parts";
import { bpsToPercent, upcomingQuery } from "./proration";
import type { Invoice, InvoicePreview, Subscription } from "./types";

const TERMINAL = new Set(["canceled", "incomplete_expired"]);
const CHANGEABLE = new Set(["active", "past_due", "trialing"]);

interface DiscountCoupon {
  id: string;
  percent_off_bps: number | null;
  amount_off: number | null;
  currency: string | null;
}

export default function SubscriptionDetailPage() {
  useBillingLive();
  const { id = "" } = useParams();
  const auth = useAuth();
  const url = useUrlState();
  const subscription = useQuery({
    queryKey: ["/subscriptions", id],
    queryFn: () => apiJson<Subscription>(`/subscriptions/${id}`),
  });
  const live = subscription.data && !TERMINAL.has(subscription.data.status);
  const upcoming = useQuery({
    queryKey: ["/invoices", "upcoming", id],
    queryFn: () => apiJson<InvoicePreview>(`/invoices/upcoming${upcomingQuery(id)}`),
    enabled: Boolean(live),
  });
  const invoices = useQuery({
    queryKey: ["/invoices", { subscription: id }],
    queryFn: () => fetchPage<Invoice>("/invoices", { subscription: id, limit: 100 }),
  });

  if (subscription.error instanceof ApiError && subscription.error.status === 404)
    return <NotFoundPage />;
  if (!subscription.data) return <ErrorAlert error={subscription.error} />;
  const s = subscription.data;
  const canWrite = auth.can("billing:write");
  const pause = s.pause as { behavior?: string; resumes_at?: string | null } | null;
  const coupon = (s.discount?.coupon ?? null) as DiscountCoupon | null;

  return (
    <Box>
      <PageHeader
        title={`Subscription ${s.id}`}
        actions={
          canWrite && (
            <ActionButtons
              open={(name) => url.set({ dialog: name })}
              actions={[
                {
                  name: "change",
                  label: "Change plan",
                  show: CHANGEABLE.has(s.status),
                  variant: "contained",
                },
                { name: "pause", label: "Pause", show: CHANGEABLE.has(s.status) },
                { name: "resume", label: "Resume", show: s.status === "paused" },
                {
                  name: "cancel",
                  label: "Cancel subscription",
                  show: !TERMINAL.has(s.status),
                  color: "error",
                },
              ]}
            />
          )
        }
      />
      <DetailCards
        left={
          <>
            <Typography variant="h5" component="p" data-testid="subscription-plan">
              {s.items.data.map((item) => (
                <div key={item.id}>
                  <PriceLabel price={item.price} quantity={item.quantity} />
                </div>
              ))}
            </Typography>
            <span data-testid="subscription-status">
              <StatusChip status={s.status} />
            </span>
            <Field label="Current period (UTC)">
              {timestamp(s.current_period_start)} → {timestamp(s.current_period_end)}
            </Field>
            {s.trial_end && <Field label="Trial ends (UTC)">{timestamp(s.trial_end)}</Field>}
            {s.cancel_at_period_end && (
              <Field label="Cancels at period end">{timestamp(s.current_period_end)}</Field>
            )}
            {s.canceled_at && <Field label="Canceled (UTC)">{timestamp(s.canceled_at)}</Field>}
            {pause && (
              <Field label="Paused">{`${pause.behavior ?? ""}${pause.resumes_at ? `, resumes ${timestamp(pause.resumes_at)}` : ""}`}</Field>
            )}
            {coupon && (
              <Field label="Discount">
                {coupon.id} ·{" "}
                {coupon.percent_off_bps ? (
                  bpsToPercent(coupon.percent_off_bps)
                ) : (
                  <Money amount={coupon.amount_off} currency={coupon.currency} />
                )}{" "}
                off
              </Field>
            )}
          </>
        }
        right={
          <>
            <Field label="Customer">{s.customer}</Field>
            <Field label="Payment method">{s.default_payment_method ?? "—"}</Field>
            <Field label="Collection">{s.collection_method.replace(/_/g, " ")}</Field>
            <Field label="Latest invoice">
              {s.latest_invoice ? (
                <Link to={`/billing/invoices/${s.latest_invoice}`}>{s.latest_invoice}</Link>
              ) : (
                "—"
              )}
            </Field>
            <Field label="Test clock">
              {s.test_clock ? <Link to="/billing/test-clocks">{s.test_clock}</Link> : "—"}
            </Field>
            <Field label="Started (UTC)">{timestamp(s.start_date)}</Field>
          </>
        }
      />
      <DetailTabs
        label="Subscription details"
        tabs={{ upcoming: "Upcoming invoice", invoices: "Invoices", json: "Raw JSON" }}
      >
        {(tab) => (
          <>
            {tab === "upcoming" && (
              <Box data-testid="upcoming">
                <ErrorAlert error={upcoming.error} />
                {!live && (
                  <Typography color="text.secondary">
                    No upcoming invoice: the subscription has ended.
                  </Typography>
                )}
                {upcoming.data && (
                  <>
                    <Typography>
                      {timestamp(upcoming.data.period_start).slice(0, 10)} →{" "}
                      {timestamp(upcoming.data.period_end).slice(0, 10)} · total{" "}
                      <strong data-testid="upcoming-total">
                        <Money amount={upcoming.data.total} currency={upcoming.data.currency} />
                      </strong>{" "}
                      · amount due{" "}
                      <Money amount={upcoming.data.amount_due} currency={upcoming.data.currency} />
                    </Typography>
                    <LinesTable
                      lines={upcoming.data.lines.data}
                      currency={upcoming.data.currency}
                    />
                  </>
                )}
              </Box>
            )}
            {tab === "invoices" && <InvoicesTable invoices={invoices.data?.data ?? []} />}
            {tab === "json" && <JsonView value={s} />}
          </>
        )}
      </DetailTabs>
      {canWrite && CHANGEABLE.has(s.status) && (
        <ChangePlanDialog
          subscription={s}
          open={url.values.dialog === "change"}
          onClose={() => url.set({ dialog: null })}
        />
      )}
      <PostDialog
        name="cancel"
        title="Cancel subscription"
        label="Cancel subscription"
        danger
        path={`/subscriptions/${id}/cancel`}
        fields={[
          {
            name: "when",
            label: "When",
            kind: "select",
            options: ["at_period_end", "now"],
            defaultValue: "at_period_end",
          },
          {
            name: "prorate",
            label: "Credit unused time (now only)",
            kind: "select",
            options: ["false", "true"],
            defaultValue: "false",
          },
          { name: "comment", label: "Comment" },
        ]}
        body={(values) => ({
          at_period_end: values.when !== "now",
          prorate: values.when === "now" && values.prorate === "true",
          comment: values.comment,
        })}
      />
      <PostDialog
        name="pause"
        title="Pause collection"
        label="Pause"
        path={`/subscriptions/${id}/pause`}
        fields={[
          {
            name: "behavior",
            label: "Invoices while paused",
            kind: "select",
            options: ["void", "keep_as_draft"],
            defaultValue: "void",
          },
          { name: "resumes_at", label: "Resume at (RFC 3339, optional)" },
        ]}
      />
      <PostDialog
        name="resume"
        title="Resume subscription"
        label="Resume"
        path={`/subscriptions/${id}/resume`}
        fields={[
          {
            name: "billing_cycle_anchor",
            label: "Billing cycle",
            kind: "select",
            options: ["unchanged", "now"],
            defaultValue: "unchanged",
          },
        ]}
      />
    </Box>
  );
}
