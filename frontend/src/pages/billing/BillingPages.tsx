/**
 * The billing list pages (BILLING.md): subscriptions, invoices, products with their prices,
 * coupons and test clocks. Each is a ResourcePage (filters, cursor and dialog in the URL; cards on
 * phones); create and row actions are hidden without `billing:write`. Money stays integer minor
 * units: typed amounts are parsed with parseMoney, percentages into basis points.
 */
import Typography from "@mui/material/Typography";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { Link } from "react-router";

import { fetchPage } from "../../api/lists";
import { Money, StatusChip, timestamp } from "../../components/common";
import ResourcePage from "../../components/ResourcePage";
import { CURRENCIES, parseMoney } from "../../money/money";
import { useBillingLive } from "./live";
import { PriceLabel } from "./parts";
import { addInterval, bpsToPercent, percentToBps } from "./proration";
import type { Coupon, Invoice, Price, Product, Subscription, TestClock } from "./types";

const WRITE = "billing:write";
const text = (value: unknown) =>
  value === null || value === undefined || value === "" ? "—" : String(value);
const optionalInt = (value: unknown) =>
  value === undefined || value === "" ? undefined : Number(value);

const SUBSCRIPTION_STATUSES = [
  "trialing",
  "active",
  "past_due",
  "unpaid",
  "paused",
  "incomplete",
  "incomplete_expired",
  "canceled",
];

export function SubscriptionsPage() {
  useBillingLive();
  return (
    <ResourcePage<Subscription>
      title="Subscriptions"
      path="/subscriptions"
      filters={[
        { name: "status", label: "Status", options: SUBSCRIPTION_STATUSES },
        { name: "customer", label: "Customer id" },
      ]}
      rowLink={(row) => `/billing/subscriptions/${row.id}`}
      columns={[
        { field: "customer", header: "Customer", width: 230 },
        { field: "status", header: "Status", render: (row) => <StatusChip status={row.status} /> },
        {
          field: "items",
          header: "Plan",
          render: (row) =>
            row.items.data[0] ? (
              <PriceLabel price={row.items.data[0].price} quantity={row.items.data[0].quantity} />
            ) : (
              "—"
            ),
        },
        {
          field: "current_period_end",
          header: "Renews (UTC)",
          render: (row) => {
            if (row.ended_at) return `ended ${timestamp(row.ended_at)}`;
            const end = timestamp(row.current_period_end);
            return row.cancel_at_period_end ? `ends ${end}` : end;
          },
        },
        { field: "id", header: "ID", width: 230 },
      ]}
      create={{
        name: "create",
        label: "New subscription",
        scope: WRITE,
        path: "/subscriptions",
        fields: [
          { name: "customer", label: "Customer id", required: true },
          {
            name: "price",
            label: "Price id",
            required: true,
            helperText: "A recurring price (price_…), see Products.",
          },
          { name: "quantity", label: "Quantity", kind: "number", defaultValue: "1" },
          {
            name: "default_payment_method",
            label: "Payment method id",
            helperText: "pm_… or wal_…; empty: the first invoice waits for payment.",
          },
          { name: "trial_period_days", label: "Trial days", kind: "number" },
          { name: "coupon", label: "Coupon" },
        ],
        body: (values) => ({
          customer: values.customer,
          items: [{ price: values.price, quantity: optionalInt(values.quantity) ?? 1 }],
          default_payment_method: values.default_payment_method,
          trial_period_days: optionalInt(values.trial_period_days),
          coupon: values.coupon,
        }),
      }}
    />
  );
}

const INVOICE_STATUSES = ["draft", "open", "paid", "void", "uncollectible"];

export function InvoicesPage() {
  useBillingLive();
  return (
    <ResourcePage<Invoice>
      title="Invoices"
      path="/invoices"
      filters={[
        { name: "status", label: "Status", options: INVOICE_STATUSES },
        { name: "customer", label: "Customer id" },
        { name: "subscription", label: "Subscription id" },
      ]}
      rowLink={(row) => `/billing/invoices/${row.id}`}
      columns={[
        { field: "number", header: "Number", render: (row) => text(row.number) },
        {
          field: "total",
          header: "Total",
          render: (row) => <Money amount={row.total} currency={row.currency} />,
        },
        {
          field: "amount_due",
          header: "Due",
          render: (row) => <Money amount={row.amount_due} currency={row.currency} />,
        },
        { field: "status", header: "Status", render: (row) => <StatusChip status={row.status} /> },
        {
          field: "billing_reason",
          header: "Reason",
          render: (row) => row.billing_reason.replace(/_/g, " "),
        },
        {
          field: "period_end",
          header: "Period (UTC)",
          render: (row) =>
            `${timestamp(row.period_start).slice(0, 10)} → ${timestamp(row.period_end).slice(0, 10)}`,
        },
        { field: "id", header: "ID", width: 230 },
      ]}
    />
  );
}

/** The prices of one product, as "$15.00 / month" chips of text. */
function ProductPrices({ product }: { product: string }) {
  const prices = useQuery({
    queryKey: ["/prices", product],
    queryFn: () => fetchPage<Price>("/prices", { product, limit: 100 }),
  });
  if (!prices.data?.data.length) return <span>—</span>;
  return (
    <span data-testid={`prices-${product}`}>
      {prices.data.data.map((price, index) => (
        <span key={price.id} title={price.id}>
          {index > 0 ? ", " : ""}
          <PriceLabel price={price} />
          {price.active ? "" : " (inactive)"}
        </span>
      ))}
    </span>
  );
}

export function ProductsPage() {
  const queryClient = useQueryClient();
  return (
    <ResourcePage<Product>
      title="Products"
      path="/products"
      filters={[{ name: "active", label: "Active", options: ["true", "false"] }]}
      columns={[
        { field: "name", header: "Name" },
        { field: "prices", header: "Prices", render: (row) => <ProductPrices product={row.id} /> },
        { field: "active", header: "Active", render: (row) => (row.active ? "yes" : "no") },
        { field: "id", header: "ID", width: 230 },
      ]}
      create={{
        name: "create",
        label: "New product",
        scope: WRITE,
        path: "/products",
        fields: [
          { name: "name", label: "Name", required: true },
          { name: "description", label: "Description" },
          { name: "unit_label", label: "Unit label" },
        ],
      }}
      actions={[
        {
          name: "price",
          label: "Add price",
          scope: WRITE,
          show: (row) => row.active,
          fields: [
            {
              name: "currency",
              label: "Currency",
              kind: "select",
              options: [...CURRENCIES],
              defaultValue: "usd",
              required: true,
            },
            {
              name: "amount",
              label: "Unit amount",
              required: true,
              helperText: "In the currency's units, e.g. 15.00",
            },
            {
              name: "interval",
              label: "Interval",
              kind: "select",
              options: ["month", "year", "week", "day", "one_time"],
              defaultValue: "month",
            },
            {
              name: "interval_count",
              label: "Every (intervals)",
              kind: "number",
              defaultValue: "1",
            },
            { name: "nickname", label: "Nickname" },
          ],
          path: () => "/prices",
          body: (values, row) => {
            const currency = String(values.currency ?? "usd");
            return {
              product: row.id,
              currency,
              // Throws MoneyParseError ("USD has at most 2 decimals."), shown on the field.
              unit_amount: parseMoney(String(values.amount ?? ""), currency),
              recurring:
                values.interval === "one_time"
                  ? null
                  : {
                      interval: values.interval ?? "month",
                      interval_count: optionalInt(values.interval_count) ?? 1,
                    },
              nickname: values.nickname,
            };
          },
          onDone: () => void queryClient.invalidateQueries({ queryKey: ["/prices"] }),
        },
      ]}
    />
  );
}

function couponOff(row: Coupon) {
  if (row.percent_off_bps) return `${bpsToPercent(row.percent_off_bps)} off`;
  return (
    <span>
      <Money amount={row.amount_off} currency={row.currency} /> off
    </span>
  );
}

export function CouponsPage() {
  return (
    <ResourcePage<Coupon>
      title="Coupons"
      path="/coupons"
      columns={[
        { field: "id", header: "Code", width: 200 },
        { field: "name", header: "Name", render: (row) => text(row.name) },
        { field: "percent_off_bps", header: "Discount", render: couponOff },
        {
          field: "duration",
          header: "Duration",
          render: (row) =>
            row.duration === "repeating" ? `${row.duration_in_months} months` : row.duration,
        },
        {
          field: "times_redeemed",
          header: "Redeemed",
          render: (row) =>
            `${row.times_redeemed}${row.max_redemptions ? ` / ${row.max_redemptions}` : ""}`,
        },
        { field: "valid", header: "Valid", render: (row) => (row.valid ? "yes" : "no") },
      ]}
      create={{
        name: "create",
        label: "New coupon",
        scope: WRITE,
        path: "/coupons",
        fields: [
          { name: "id", label: "Code", helperText: "Optional, e.g. SPRING25; empty: a cpn_ id." },
          { name: "name", label: "Name" },
          {
            name: "percent_off",
            label: "Percent off",
            helperText: "e.g. 12.5 — or leave empty and give an amount off.",
          },
          { name: "amount_off", label: "Amount off" },
          {
            name: "currency",
            label: "Currency (amount off)",
            kind: "select",
            options: [...CURRENCIES],
            defaultValue: "usd",
          },
          {
            name: "duration",
            label: "Duration",
            kind: "select",
            options: ["once", "repeating", "forever"],
            defaultValue: "once",
            required: true,
          },
          { name: "duration_in_months", label: "Months (repeating)", kind: "number" },
          { name: "max_redemptions", label: "Max redemptions", kind: "number" },
        ],
        body: (values) => {
          const amount = values.amount_off
            ? parseMoney(String(values.amount_off), String(values.currency ?? "usd"))
            : undefined;
          return {
            id: values.id,
            name: values.name,
            percent_off_bps: values.percent_off
              ? percentToBps(String(values.percent_off))
              : undefined,
            amount_off: amount,
            currency: amount === undefined ? undefined : values.currency,
            duration: values.duration,
            duration_in_months: optionalInt(values.duration_in_months),
            max_redemptions: optionalInt(values.max_redemptions),
          };
        },
      }}
      actions={[
        {
          name: "delete",
          label: "Delete",
          scope: WRITE,
          danger: true,
          method: "DELETE",
          show: (row) => row.valid,
          path: (row) => `/coupons/${row.id}`,
        },
      ]}
    />
  );
}

/** Now in RFC 3339, whole seconds (a new clock's default frozen time). */
function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function TestClocksPage() {
  useBillingLive();
  const queryClient = useQueryClient();
  // A clock advances in a Celery task; poll while one is advancing and refresh the list when done.
  const clocks = useQuery({
    queryKey: ["/test_clocks", "poll"],
    queryFn: () => fetchPage<TestClock>("/test_clocks", { limit: 100 }),
    refetchInterval: (query) =>
      query.state.data?.data.some((clock) => clock.status === "advancing") ? 1000 : false,
  });
  const signature = clocks.data?.data
    .map((clock) => `${clock.id}:${clock.status}:${clock.frozen_time}`)
    .join(",");
  useEffect(() => {
    if (signature !== undefined) {
      void queryClient.invalidateQueries({
        queryKey: ["/test_clocks"],
        predicate: (query) => query.queryKey[1] !== "poll",
      });
      for (const queryKey of [["/subscriptions"], ["/invoices"]])
        void queryClient.invalidateQueries({ queryKey });
    }
  }, [signature, queryClient]);
  const byId = new Map(clocks.data?.data.map((clock) => [clock.id, clock]));

  return (
    <ResourcePage<TestClock>
      title="Test clocks"
      path="/test_clocks"
      columns={[
        { field: "name", header: "Name", render: (row) => text(row.name) },
        {
          field: "frozen_time",
          header: "Frozen time (UTC)",
          render: (row) => timestamp(row.frozen_time),
        },
        { field: "status", header: "Status", render: (row) => <StatusChip status={row.status} /> },
        { field: "id", header: "ID", width: 230 },
        {
          field: "deletes_after",
          header: "Deletes after (UTC)",
          render: (row) => timestamp(row.deletes_after),
        },
      ]}
      create={{
        name: "create",
        label: "New test clock",
        scope: WRITE,
        path: "/test_clocks",
        fields: [
          { name: "name", label: "Name" },
          {
            name: "frozen_time",
            label: "Frozen time (RFC 3339, UTC)",
            required: true,
            defaultValue: nowIso(),
          },
        ],
      }}
      actions={[
        {
          name: "advance",
          label: "Advance",
          scope: WRITE,
          show: (row) => row.status === "ready",
          fields: (row) => {
            const clock = byId.get(row.id);
            return [
              {
                name: "frozen_time",
                label: "Advance to (RFC 3339, UTC)",
                required: true,
                defaultValue: clock ? addInterval(clock.frozen_time, "month") : "",
                helperText:
                  "At most two intervals of the shortest subscription on the clock ahead.",
              },
            ];
          },
          path: (row) => `/test_clocks/${row.id}/advance`,
          onDone: () => void queryClient.invalidateQueries({ queryKey: ["/test_clocks", "poll"] }),
        },
        {
          name: "delete",
          label: "Delete",
          scope: WRITE,
          danger: true,
          method: "DELETE",
          show: (row) => row.status !== "advancing",
          path: (row) => `/test_clocks/${row.id}`,
        },
      ]}
    >
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        Sandbox only. Customers created with a test clock are billed on its time; advance it to run
        their renewals, trials and retries. See{" "}
        <Link to="/billing/subscriptions">subscriptions</Link>.
      </Typography>
    </ResourcePage>
  );
}
