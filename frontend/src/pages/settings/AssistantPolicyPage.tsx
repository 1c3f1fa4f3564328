/**
 * The merchant's assistant policy (`GET/POST /assistant_policy`): the agent policy that governs
 * every dashboard user acting through the assistant panel (`/mcp` with their login). Edited with
 * the same PolicyEditor as an API key's agent policy. Merchant admins (and platform staff) save;
 * everyone else sees it read-only. Server errors land on their field; the saved state is shown.
 */
import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import CircularProgress from "@mui/material/CircularProgress";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";

import { apiJson, newActionKey } from "../../api/client";
import { ApiError } from "../../api/errors";
import type { AssistantPolicy } from "../../api/types";
import { useAuth } from "../../auth/AuthProvider";
import { ErrorAlert, PageHeader, SaveState } from "../../components/common";
import PolicyEditor from "./PolicyEditor";
import { formFromPolicy, policyFieldForParam, policyFromForm, type PolicyForm } from "./policy";

const QUERY_KEY = ["/assistant_policy"];

const CURRENCY_KEY = "mcp-payments.assistant-policy.currency";

/** The currency the form shows the policy's (currency-less) minor units in: the one last saved
 * with on this browser, else the first daily-limit currency, else usd. */
function formCurrency(policy: AssistantPolicy | undefined): string {
  return (
    window.localStorage.getItem(CURRENCY_KEY) ?? Object.keys(policy?.daily_limit ?? {})[0] ?? "usd"
  );
}

export default function AssistantPolicyPage() {
  const auth = useAuth();
  const queryClient = useQueryClient();
  const stored = useQuery({
    queryKey: QUERY_KEY,
    queryFn: () => apiJson<AssistantPolicy>("/assistant_policy"),
  });
  const [form, setForm] = useState<PolicyForm | null>(null);
  const [errors, setErrors] = useState<Partial<Record<keyof PolicyForm, string>>>({});
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  // One idempotency key per edit: a retried save of the same edit reuses it.
  const [actionKey, setActionKey] = useState(newActionKey);

  const loaded = useMemo(
    () => (stored.data ? formFromPolicy(stored.data, formCurrency(stored.data)) : null),
    [stored.data],
  );
  useEffect(() => {
    if (loaded && form === null) setForm(loaded);
  }, [loaded, form]);

  const canSave = auth.isAdmin;
  const dirty = form !== null && loaded !== null && JSON.stringify(form) !== JSON.stringify(loaded);

  const save = async () => {
    if (!form) return;
    setError(null);
    const result = policyFromForm(form);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const saved = await apiJson<AssistantPolicy>("/assistant_policy", {
        method: "POST",
        body: JSON.stringify(result.policy),
        headers: { "Idempotency-Key": actionKey },
      });
      queryClient.setQueryData(QUERY_KEY, saved);
      setForm(formFromPolicy(saved, form.currency));
      setSavedAt(new Date());
      window.localStorage.setItem(CURRENCY_KEY, form.currency);
      setActionKey(newActionKey());
    } catch (exc) {
      const field = exc instanceof ApiError ? policyFieldForParam(exc.param) : null;
      if (field && exc instanceof ApiError) setErrors({ [field]: exc.message });
      setError(exc);
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <PageHeader title="Assistant policy" />
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2, maxWidth: 720 }}>
        The agent policy of every team member acting through the assistant panel (MCP with their
        login): calls over the maximum are refused, calls above the approval threshold wait on the
        Agent approvals page, and the daily limit counts all of the assistant's calls together.
      </Typography>
      {stored.isPending && <CircularProgress aria-label="Loading the assistant policy" />}
      <ErrorAlert error={stored.error} />
      {form && (
        <Paper variant="outlined" sx={{ p: 2, maxWidth: 720 }}>
          {!canSave && (
            <Alert severity="info" sx={{ mb: 2 }}>
              Only merchant admins can change the assistant policy.
            </Alert>
          )}
          <PolicyEditor
            value={form}
            onChange={(value) => {
              setForm(value);
              setSavedAt(null);
            }}
            errors={errors}
            disabled={!canSave || saving}
            legend="Assistant policy"
          />
          <ErrorAlert error={error} />
          {canSave && (
            <Stack
              direction="row"
              spacing={2}
              sx={{ mt: 2, alignItems: "center", flexWrap: "wrap" }}
              useFlexGap
            >
              <Button
                variant="contained"
                onClick={() => void save()}
                disabled={saving || !dirty}
                sx={{ minHeight: 44 }}
              >
                Save policy
              </Button>
              {loaded && dirty && (
                <Button onClick={() => setForm(loaded)} disabled={saving} sx={{ minHeight: 44 }}>
                  Discard changes
                </Button>
              )}
              <SaveState saving={saving} dirty={dirty} savedAt={savedAt} testId="policy-state" />
            </Stack>
          )}
        </Paper>
      )}
    </>
  );
}
