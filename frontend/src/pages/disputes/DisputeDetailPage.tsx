/**
 * One dispute (`disputes/:id`): amount, fee, reason, status and its dates, the disputed payment
 * (linked), the evidence submitted so far; while the dispute is open and the role has
 * `payments:write`, the evidence form (`POST /disputes/{id}` `{"evidence": {…}}`: empty fields are
 * left out, a refusal's `param` — `evidence[receipt]` — lands on its field) and "Accept"
 * (`POST /disputes/{id}/close`, confirmed in a dialog held in the URL as `?dialog=accept`). Live:
 * `dispute.*` events of this dispute on `/ws/payments` refresh it (the sandbox decides a dispute
 * under review within seconds). Another merchant's id shows the 404 page.
 */
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { Link, useParams } from "react-router";

import { apiJson, newActionKey } from "../../api/client";
import { ApiError, fieldForParam } from "../../api/errors";
import type { components } from "../../api/schema";
import { useAuth } from "../../auth/AuthProvider";
import ActionDialog from "../../components/ActionDialog";
import {
  ErrorAlert,
  Field,
  JsonView,
  Money,
  PageHeader,
  StatusChip,
  timestamp,
} from "../../components/common";
import { send } from "../../components/ResourcePage";
import { useUrlState } from "../../hooks/useUrlState";
import { usePaymentEvents } from "../../live/useObjectEvents";
import NotFoundPage from "../NotFoundPage";
import { OPEN_DISPUTE } from "./status";

export type Dispute = components["schemas"]["Dispute"];

/** The evidence form's fields: the API takes any string keys; these are the usual ones. */
export const EVIDENCE_FIELDS: { name: string; label: string; multiline?: boolean }[] = [
  { name: "product_description", label: "Product description", multiline: true },
  { name: "customer_communication", label: "Customer communication", multiline: true },
  { name: "receipt", label: "Receipt (text or link)" },
  { name: "shipping_tracking_number", label: "Shipping tracking number" },
  { name: "refund_policy", label: "Refund policy", multiline: true },
  { name: "uncategorized_text", label: "Other evidence", multiline: true },
];

type EvidenceForm = { evidence: Record<string, string> };

/** The POST body from the form: only the filled fields, trimmed; null when nothing is filled. */
export function evidenceBody(values: Record<string, string | undefined>): EvidenceForm | null {
  const evidence: Record<string, string> = {};
  for (const field of EVIDENCE_FIELDS) {
    const text = (values[field.name] ?? "").trim();
    if (text) evidence[field.name] = text;
  }
  return Object.keys(evidence).length ? { evidence } : null;
}

/** The form field a refusal's `param` names: `evidence[receipt]` → `evidence.receipt`. */
export function evidenceFieldForParam(param: string | null | undefined): string | null {
  return fieldForParam(
    param,
    EVIDENCE_FIELDS.map((field) => `evidence.${field.name}`),
  );
}

function EvidenceFormCard({
  dispute,
  onSaved,
}: {
  dispute: Dispute;
  onSaved: (dispute: Dispute) => void;
}) {
  const defaults = useMemo(
    () => ({
      evidence: Object.fromEntries(
        EVIDENCE_FIELDS.map((field) => [field.name, String(dispute.evidence[field.name] ?? "")]),
      ),
    }),
    [dispute.evidence],
  );
  const { register, handleSubmit, setError, formState, reset } = useForm<EvidenceForm>({
    defaultValues: defaults,
  });
  // One key per submission attempt of these values; a retry after an error reuses it.
  const [key, setKey] = useState(newActionKey);
  const [error, setFailure] = useState<unknown>(null);

  const submit = handleSubmit(async (values) => {
    setFailure(null);
    const body = evidenceBody(values.evidence);
    if (!body) {
      setError(`evidence.${EVIDENCE_FIELDS[0]!.name}`, {
        message: "Enter at least one piece of evidence.",
      });
      return;
    }
    try {
      const saved = (await send("POST", `/disputes/${dispute.id}`, body, key)) as Dispute;
      setKey(newActionKey());
      reset({ evidence: { ...values.evidence } });
      onSaved(saved);
    } catch (exc) {
      const field = exc instanceof ApiError ? evidenceFieldForParam(exc.param) : null;
      if (field && exc instanceof ApiError)
        setError(field as `evidence.${string}`, { message: `${exc.message} (${exc.code})` });
      setFailure(exc);
    }
  });

  return (
    <Card variant="outlined" component="section" aria-labelledby="evidence-form-title">
      <CardContent>
        <Typography variant="h6" component="h2" id="evidence-form-title">
          Submit evidence
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          Filled fields are added to the evidence; the dispute then goes under review.
        </Typography>
        <form onSubmit={submit} noValidate aria-label="Evidence">
          <ErrorAlert error={error} />
          {EVIDENCE_FIELDS.map((field) => {
            const name = `evidence.${field.name}` as const;
            const fieldError = formState.errors.evidence?.[field.name];
            return (
              <TextField
                key={field.name}
                label={field.label}
                fullWidth
                margin="dense"
                multiline={field.multiline}
                minRows={field.multiline ? 2 : undefined}
                {...register(name)}
                error={Boolean(fieldError)}
                helperText={fieldError?.message}
                slotProps={{ htmlInput: { "data-field": field.name } }}
              />
            );
          })}
          <Stack direction="row" sx={{ mt: 1, justifyContent: "flex-end" }}>
            <Button
              type="submit"
              variant="contained"
              disabled={formState.isSubmitting}
              sx={{ minHeight: 44 }}
            >
              Submit evidence
            </Button>
          </Stack>
        </form>
      </CardContent>
    </Card>
  );
}

export default function DisputeDetailPage() {
  const { id = "" } = useParams();
  const auth = useAuth();
  const url = useUrlState();
  const queryClient = useQueryClient();
  const key = ["/disputes", id];
  const dispute = useQuery({ queryKey: key, queryFn: () => apiJson<Dispute>(`/disputes/${id}`) });
  const refresh = [["/disputes"], ["/payments"], ["/balance"]];
  usePaymentEvents((object) => object.id === id, refresh);

  if (dispute.error instanceof ApiError && dispute.error.status === 404) return <NotFoundPage />;
  if (!dispute.data) return <ErrorAlert error={dispute.error} />;
  const d = dispute.data;
  const canRespond = auth.can("payments:write") && OPEN_DISPUTE.has(d.status);
  const evidence = Object.entries(d.evidence ?? {});

  return (
    <Box>
      <PageHeader
        title={`Dispute ${d.id}`}
        actions={
          canRespond && (
            <Button
              variant="outlined"
              color="error"
              onClick={() => url.set({ dialog: "accept" })}
              sx={{ minHeight: 44 }}
            >
              Accept
            </Button>
          )
        }
      />
      <Box
        sx={{ display: "grid", gap: 2, gridTemplateColumns: { xs: "1fr", md: "1fr 1fr" }, mb: 2 }}
      >
        <Card variant="outlined">
          <CardContent>
            <Typography variant="h4" component="p" data-testid="dispute-amount">
              <Money amount={d.amount} currency={d.currency} />
            </Typography>
            <span data-testid="dispute-status">
              <StatusChip status={d.status} />
            </span>
            <Field label="Reason">{d.reason.replace(/_/g, " ")}</Field>
            <Field label="Dispute fee">
              <Money amount={d.fee} currency={d.currency} />
            </Field>
            <Field label="Payment">
              <Link to={`/payments/${d.payment}`}>{d.payment}</Link>
            </Field>
          </CardContent>
        </Card>
        <Card variant="outlined">
          <CardContent>
            <Field label="Opened (UTC)">{timestamp(d.created)}</Field>
            <Field label="Evidence submitted (UTC)">{timestamp(d.evidence_submitted_at)}</Field>
            <Field label="Closed (UTC)">{timestamp(d.closed_at)}</Field>
          </CardContent>
        </Card>
      </Box>
      <Stack spacing={2}>
        <Card variant="outlined" component="section" aria-labelledby="evidence-title">
          <CardContent>
            <Typography variant="h6" component="h2" id="evidence-title">
              Evidence
            </Typography>
            {evidence.length === 0 && (
              <Typography color="text.secondary">None submitted.</Typography>
            )}
            <Box data-testid="dispute-evidence">
              {evidence.map(([name, value]) => (
                <Field key={name} label={name.replace(/_/g, " ")}>
                  <Box component="span" sx={{ whiteSpace: "pre-wrap" }}>
                    {String(value)}
                  </Box>
                </Field>
              ))}
            </Box>
          </CardContent>
        </Card>
        {canRespond && (
          <EvidenceFormCard
            dispute={d}
            onSaved={(saved) => {
              queryClient.setQueryData(key, saved);
              void queryClient.invalidateQueries({
                queryKey: ["/disputes"],
                predicate: (query) => query.queryKey[1] !== id,
              });
            }}
          />
        )}
        {auth.me && !auth.can("payments:write") && OPEN_DISPUTE.has(d.status) && (
          <Typography color="text.secondary">Your role cannot respond to disputes.</Typography>
        )}
        <JsonView value={d} />
      </Stack>
      {canRespond && (
        <ActionDialog
          open={url.values.dialog === "accept"}
          title={`Accept dispute ${d.id}`}
          submitLabel="Accept dispute"
          danger
          description="Accepting closes the dispute as lost: the reserved amount goes back to the cardholder and evidence can no longer be submitted."
          fields={[]}
          onClose={() => url.set({ dialog: null })}
          submit={(_, k) => send("POST", `/disputes/${id}/close`, {}, k)}
          invalidate={[key, ...refresh]}
        />
      )}
    </Box>
  );
}
