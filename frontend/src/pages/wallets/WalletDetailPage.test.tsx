import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";

import { meHandler, renderRoute, serveDuringTests } from "../../test/render";
import { transferBody } from "./parts";
import WalletDetailPage from "./WalletDetailPage";

const wallet = (id: string, currency: string, available: number) => ({
  id,
  object: "wallet",
  created: "2026-11-30T10:00:00Z",
  customer: "cus_1",
  currency,
  status: "active",
  balance: { available, pending: 0 },
  ledger_account: `acct_${id}`,
  metadata: {},
});
const WALLETS: Record<string, ReturnType<typeof wallet>> = {
  wal_usd: wallet("wal_usd", "usd", 500),
  wal_jpy: wallet("wal_jpy", "jpy", 0),
};
const CARD = {
  id: "pm_1",
  object: "payment_method",
  created: "2026-11-30T10:00:00Z",
  type: "card",
  customer: "cus_1",
  card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2030 },
  detached: false,
  metadata: {},
};
const list = (data: unknown[]) =>
  HttpResponse.json({ object: "list", data, has_more: false, next_cursor: null });

let who = { role: "admin", scopes: ["wallets:read", "wallets:write", "payments:read"] };
let topUps: { wallet: string; body: unknown }[] = [];
let meServed = 0;
let transactionReads: string[] = [];

const server = setupServer(
  meHandler(() => {
    meServed += 1;
    return who;
  }),
  http.get("*/api/v1/wallets/:id", ({ params }) => HttpResponse.json(WALLETS[String(params.id)])),
  http.get("*/api/v1/wallets/:id/transactions", ({ request }) => {
    transactionReads.push(new URL(request.url).searchParams.toString());
    return list([
      {
        id: "wtx_1",
        object: "wallet_transaction",
        created: "2026-11-30T10:05:00Z",
        kind: "top_up",
        description: "Top-up",
        reference: "pay_0",
        amount: 500,
        hold_amount: 0,
      },
    ]);
  }),
  http.get("*/api/v1/payment_methods", () => list([CARD])),
  http.post("*/api/v1/wallets/:id/top_ups", async ({ request, params }) => {
    const body = (await request.json()) as { amount: number };
    topUps.push({ wallet: String(params.id), body });
    return HttpResponse.json(
      { id: "pay_9", object: "payment", status: "succeeded", amount: body.amount },
      { status: 201 },
    );
  }),
);

serveDuringTests(server);
beforeEach(() => {
  who = { role: "admin", scopes: ["wallets:read", "wallets:write", "payments:read"] };
  topUps = [];
  meServed = 0;
  transactionReads = [];
  window.localStorage.clear();
});

const renderWallet = (id: string, search = "") =>
  renderRoute([{ path: "/wallets/:id", element: <WalletDetailPage /> }], `/wallets/${id}${search}`);

async function topUp(amount: string) {
  const dialog = await screen.findByRole("dialog");
  await waitFor(() =>
    expect(within(dialog).getByRole("combobox", { name: "Card" })).toHaveTextContent(
      "visa •••• 4242 (pm_1)",
    ),
  );
  fireEvent.change(within(dialog).getByLabelText(/^Amount/), { target: { value: amount } });
  fireEvent.click(within(dialog).getByRole("button", { name: "Top up" }));
  return dialog;
}

describe("wallet page", () => {
  it("shows balances, the transactions and links the customer", async () => {
    renderWallet("wal_usd");
    expect(await screen.findByTestId("wallet-available")).toHaveTextContent("$5.00");
    expect(screen.getByTestId("wallet-pending")).toHaveTextContent("$0.00");
    expect(screen.getByRole("link", { name: "cus_1" })).toHaveAttribute("href", "/customers/cus_1");
    // The table itself is a DataGrid (it lays out nothing without a real browser): its read.
    await waitFor(() => expect(transactionReads).toEqual(["limit=20"]));
  });

  it("top-up parses the typed decimal into minor units with the money module (10.5 USD → 1050)", async () => {
    renderWallet("wal_usd", "?dialog=topup");
    const dialog = await topUp("10.5");
    expect(within(dialog).getByLabelText(/^Amount/)).toHaveAccessibleName("Amount (USD)");
    await waitFor(() =>
      expect(topUps).toEqual([
        { wallet: "wal_usd", body: { amount: 1050, payment_method: "pm_1" } },
      ]),
    );
    expect(await screen.findByTestId("topup-result")).toHaveTextContent(
      "Topped up $10.50 by payment pay_9 (succeeded)",
    );
    // (By text: the closing dialog still hides the page from the accessibility tree here.)
    expect(screen.getByText("pay_9", { selector: "a" })).toHaveAttribute("href", "/payments/pay_9");
  });

  it("a currency without decimals takes whole units (1000 JPY → 1000)", async () => {
    renderWallet("wal_jpy", "?dialog=topup");
    await topUp("1,000");
    await waitFor(() =>
      expect(topUps).toEqual([
        { wallet: "wal_jpy", body: { amount: 1000, payment_method: "pm_1" } },
      ]),
    );
  });

  it("more decimals than the currency has are refused on the field and nothing is sent", async () => {
    renderWallet("wal_usd", "?dialog=topup");
    const dialog = await topUp("10.505");
    expect(await within(dialog).findByText("USD has at most 2 decimals.")).toBeInTheDocument();
    expect(within(dialog).getByLabelText(/^Amount/)).toHaveAttribute("aria-invalid", "true");
    expect(topUps).toEqual([]);
  });

  it("a yen amount with decimals is refused (JPY has none) and nothing is sent", async () => {
    renderWallet("wal_jpy", "?dialog=topup");
    const dialog = await topUp("1.5");
    expect(await within(dialog).findByText("JPY has no decimals.")).toBeInTheDocument();
    expect(topUps).toEqual([]);
  });

  it("a role without wallets:write sees no top-up, freeze or unfreeze", async () => {
    who = { role: "viewer", scopes: ["wallets:read"] };
    renderWallet("wal_usd");
    expect(await screen.findByTestId("wallet-available")).toHaveTextContent("$5.00");
    // The role is known once /team/me is answered; give React a moment to render with it.
    await waitFor(() => expect(meServed).toBeGreaterThan(0));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(screen.queryByRole("button", { name: "Top up" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Freeze" })).toBeNull();
  });
});

describe("transfer form body", () => {
  it("parses the amount in the chosen currency and sends pending as a boolean", () => {
    expect(
      transferBody({
        source_wallet: "wal_a",
        destination_wallet: "wal_b",
        currency: "USD",
        amount: "12.34",
        pending: "true",
      }),
    ).toEqual({
      source_wallet: "wal_a",
      destination_wallet: "wal_b",
      currency: "usd",
      amount: 1234,
      pending: true,
    });
    expect(transferBody({ currency: "jpy", amount: "500", pending: "false" })).toEqual({
      currency: "jpy",
      amount: 500,
      pending: false,
    });
    expect(() => transferBody({ currency: "usd", amount: "1.001" })).toThrow(
      "USD has at most 2 decimals.",
    );
  });
});
