/** Billing objects (BILLING.md §1): the generated schema's types, with the nested shapes the
 * serializers leave open (subscription items, the upcoming-invoice preview) spelled out. */
import type { components } from "../../api/schema";

type S = components["schemas"];
export type Product = S["Product"];
export type Price = S["Price"] & { recurring: { interval: string; interval_count: number } | null };
export type Coupon = S["Coupon"];
export type TestClock = S["TestClock"];
export type Invoice = S["Invoice"];
export type InvoiceLine = S["InvoiceLine"];

export interface SubscriptionItem {
  id: string;
  price: Price;
  quantity: number;
}

export type Subscription = Omit<S["Subscription"], "items"> & {
  items: { data: SubscriptionItem[] };
};

/** One line of `GET /invoices/upcoming` (amount signed, minor units). */
export interface PreviewLine {
  type: "subscription" | "proration" | "invoiceitem";
  price: string | null;
  subscription_item: string | null;
  quantity: number | null;
  amount: number;
  description: string;
  period: { start: string; end: string };
  proration: boolean;
  discount_amount: number;
}

/** `GET /invoices/upcoming`: the invoice an update would create now or the next renewal. */
export interface InvoicePreview {
  object: "invoice";
  preview: true;
  customer: string;
  subscription: string;
  billing_reason: string;
  currency: string;
  period_start: string;
  period_end: string;
  /** Unix seconds: send it back with the update to get exactly these lines. */
  proration_date: number;
  lines: { data: PreviewLine[] };
  subtotal: number;
  total_discount_amount: number;
  total: number;
  starting_balance: number;
  amount_due: number;
  ending_balance: number;
}
