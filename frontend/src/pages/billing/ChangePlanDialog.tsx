/**
 * Change a subscription's plan with a proration preview: choosing a price fetches
 * `GET /invoices/upcoming` with the change (bracketed items, proration behaviour); the preview
 * shows the credit, the charge and the invoice it leads to, and "Change plan" sends the preview's
 * `proration_date` back, so the update produces exactly the previewed lines (BILLING.md §5).
 */
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Dialog from "@mui/material/Dialog";
import DialogActions from "@mui/material/DialogActions";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import MenuItem from "@mui/material/MenuItem";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import useMediaQuery from "@mui/material/useMediaQuery";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";

import { apiJson, newActionKey } from "../../api/client";
import { fetchPage } from "../../api/lists";
import { ErrorAlert, Money, timestamp } from "../../components/common";
import { PHONE_QUERY } from "../../components/Layout";
import { formatMoney } from "../../money/money";
import { BILLING_KEYS } from "./live";
import {
  intervalLabel,
  previewFigures,
  updateBody,
  upcomingQuery,
  type PlanChange,
  type ProrationBehavior,
} from "./proration";
import type { InvoicePreview, Price, Product, Subscription } from "./types";
import { LinesTable } from "./LinesTable";

export default function ChangePlanDialog({
  subscription,
  open,
  onClose,
}: {
  subscription: Subscription;
  open: boolean;
  onClose: () => void;
}) {
  const phone = useMediaQuery(PHONE_QUERY);
  const queryClient = useQueryClient();
  const item = subscription.items.data[0];
  const [price, setPrice] = useState("");
  const [behavior, setBehavior] = useState<ProrationBehavior>("create_prorations");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const idempotencyKey = useMemo(() => (open ? newActionKey() : ""), [open]);

  const prices = useQuery({
    queryKey: ["/prices", "active"],
    queryFn: () => fetchPage<Price>("/prices", { active: "true", limit: 100 }),
    enabled: open,
  });
  const products = useQuery({
    queryKey: ["/products", "all"],
    queryFn: () => fetchPage<Product>("/products", { limit: 100 }),
    enabled: open,
  });
  const names = new Map(products.data?.data.map((product) => [product.id, product.name]));
  const choices = (prices.data?.data ?? []).filter(
    (p) => p.currency === subscription.currency && p.recurring && p.id !== item?.price.id,
  );

  const change: PlanChange | null =
    item && price ? { item: item.id, price, prorationBehavior: behavior } : null;
  const preview = useQuery({
    queryKey: ["/invoices", "upcoming", subscription.id, price, behavior],
    queryFn: () =>
      apiJson<InvoicePreview>(
        `/invoices/upcoming${upcomingQuery(subscription.id, change ?? undefined)}`,
      ),
    enabled: open && change !== null,
    staleTime: Infinity,
    // A closed dialog forgets its preview: reopened later, it previews at the new "now".
    gcTime: 0,
  });
  const figures = preview.data ? previewFigures(preview.data) : null;

  const close = () => {
    setPrice("");
    setError(null);
    onClose();
  };
  const confirm = async () => {
    if (!change || !preview.data) return;
    setBusy(true);
    setError(null);
    try {
      await apiJson(`/subscriptions/${subscription.id}`, {
        method: "POST",
        body: JSON.stringify(updateBody(change, preview.data.proration_date)),
        headers: { "Idempotency-Key": idempotencyKey },
      });
      await Promise.all(
        [...BILLING_KEYS, ["/invoices", "upcoming"]].map((queryKey) =>
          queryClient.invalidateQueries({ queryKey }),
        ),
      );
      close();
    } catch (exc) {
      setError(exc);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      fullScreen={phone}
      fullWidth
      maxWidth="md"
      aria-labelledby="change-plan-title"
    >
      <DialogTitle id="change-plan-title">Change plan</DialogTitle>
      <DialogContent>
        <ErrorAlert error={error ?? preview.error} />
        <Typography color="text.secondary">
          Now:{" "}
          {item
            ? `${names.get(item.price.product) ?? item.price.product} · ${formatMoney(item.price.unit_amount, item.price.currency)} / ${intervalLabel(item.price.recurring)}`
            : "—"}
        </Typography>
        <TextField
          select
          fullWidth
          margin="normal"
          label="New price"
          value={price}
          onChange={(e) => setPrice(e.target.value)}
          slotProps={{ htmlInput: { "data-field": "price" } }}
        >
          {choices.map((p) => (
            <MenuItem key={p.id} value={p.id}>
              {names.get(p.product) ?? p.product} · {formatMoney(p.unit_amount, p.currency)} /{" "}
              {intervalLabel(p.recurring)}
              {p.nickname ? ` (${p.nickname})` : ""}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          fullWidth
          margin="normal"
          label="Proration"
          value={behavior}
          onChange={(e) => setBehavior(e.target.value as ProrationBehavior)}
        >
          <MenuItem value="create_prorations">Prorate on the next invoice</MenuItem>
          <MenuItem value="always_invoice">Prorate and invoice now</MenuItem>
          <MenuItem value="none">No proration</MenuItem>
        </TextField>
        {preview.isFetching && <Typography>Previewing…</Typography>}
        {preview.data && figures && (
          <Box data-testid="proration-preview" sx={{ mt: 1 }}>
            <Typography variant="subtitle1">
              Preview at {timestamp(preview.data.proration_date)} (UTC)
            </Typography>
            <Typography>
              Credit for unused time <Money amount={figures.credit} currency={figures.currency} /> ·
              charge for the rest of the period{" "}
              <Money amount={figures.charge} currency={figures.currency} /> · net{" "}
              <strong data-testid="preview-net">
                <Money amount={figures.net} currency={figures.currency} />
              </strong>
            </Typography>
            <Typography sx={{ mt: 1 }}>
              {figures.invoicedNow
                ? "Invoiced now"
                : `Next invoice (${timestamp(preview.data.period_start).slice(0, 10)})`}
              : total{" "}
              <strong data-testid="preview-total">
                <Money amount={figures.total} currency={figures.currency} />
              </strong>
              , amount due <Money amount={figures.amountDue} currency={figures.currency} />
            </Typography>
            <LinesTable lines={preview.data.lines.data} currency={preview.data.currency} />
          </Box>
        )}
      </DialogContent>
      <DialogActions
        sx={{ position: phone ? "sticky" : undefined, bottom: 0, bgcolor: "background.paper" }}
      >
        <Button onClick={close} sx={{ minHeight: 44 }}>
          Cancel
        </Button>
        <Button
          variant="contained"
          onClick={() => void confirm()}
          disabled={!preview.data || busy || preview.isFetching}
          sx={{ minHeight: 44 }}
        >
          Change plan
        </Button>
      </DialogActions>
    </Dialog>
  );
}
