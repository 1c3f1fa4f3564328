/**
 * API keys: list, create (scopes + the agent policy; the secret is shown once), revoke, and a
 * "would this call pass?" check against a key's policy (`POST /api_keys/{id}/policy_check`).
 */
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Dialog from "@mui/material/Dialog";
import DialogActions from "@mui/material/DialogActions";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import useMediaQuery from "@mui/material/useMediaQuery";
import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";

import { apiJson, newActionKey } from "../../api/client";
import { ApiError } from "../../api/errors";
import type { ApiKey } from "../../api/types";
import { ErrorAlert, timestamp } from "../../components/common";
import { PHONE_QUERY } from "../../components/Layout";
import ResourcePage from "../../components/ResourcePage";
import { parseMoney } from "../../money/money";
import { useUrlState } from "../../hooks/useUrlState";
import PolicyEditor from "./PolicyEditor";
import {
  describeVerdict,
  emptyPolicyForm,
  policyFromForm,
  type AgentPolicy,
  type PolicyForm,
  type Verdict,
} from "./policy";

const SCOPE_PRESETS: Record<string, string[]> = {
  "Everything (*)": ["*"],
  "Read only": ["payments:read", "customers:read", "wallets:read", "events:read"],
  "Payments agent": ["payments:read", "payments:write", "refunds:write", "customers:read"],
};

function CreateKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const phone = useMediaQuery(PHONE_QUERY);
  const queryClient = useQueryClient();
  const key = useMemo(() => (open ? newActionKey() : ""), [open]);
  const [name, setName] = useState("");
  const [preset, setPreset] = useState("Payments agent");
  const [policy, setPolicy] = useState<PolicyForm>(emptyPolicyForm);
  const [errors, setErrors] = useState<Partial<Record<keyof PolicyForm, string>>>({});
  const [error, setError] = useState<unknown>(null);
  const [secret, setSecret] = useState<string | null>(null);

  const close = () => {
    setSecret(null);
    setError(null);
    setErrors({});
    setPolicy(emptyPolicyForm);
    setName("");
    onClose();
  };
  const submit = async () => {
    const result = policyFromForm(policy);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    try {
      const created = await apiJson<ApiKey & { secret: string }>("/api_keys", {
        method: "POST",
        body: JSON.stringify({ name, scopes: SCOPE_PRESETS[preset], agent_policy: result.policy }),
        headers: { "Idempotency-Key": key },
      });
      setSecret(created.secret);
      await queryClient.invalidateQueries({ queryKey: ["/api_keys"] });
    } catch (exc) {
      if (exc instanceof ApiError && exc.param?.startsWith("agent_policy")) {
        const field = exc.param.replace(/^agent_policy\[(\w+)\].*$/, "$1") as keyof PolicyForm;
        setErrors({ [field]: exc.message });
      }
      setError(exc);
    }
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      fullScreen={phone}
      fullWidth
      maxWidth="sm"
      aria-labelledby="create-key-title"
    >
      <DialogTitle id="create-key-title">Create an API key</DialogTitle>
      <DialogContent>
        {secret ? (
          <Alert severity="success" data-testid="secret-once">
            Copy the secret now: it is shown once and never again.
            <Box
              component="code"
              sx={{ display: "block", mt: 1, wordBreak: "break-all" }}
              data-testid="secret"
            >
              {secret}
            </Box>
          </Alert>
        ) : (
          <Stack spacing={2} sx={{ mt: 1 }}>
            <ErrorAlert error={error} />
            <TextField
              label="Name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              size="small"
              slotProps={{ htmlInput: { "data-field": "name" } }}
            />
            <TextField
              select
              label="Scopes"
              value={preset}
              onChange={(e) => setPreset(e.target.value)}
              size="small"
            >
              {Object.keys(SCOPE_PRESETS).map((label) => (
                <MenuItem key={label} value={label}>
                  {label}
                </MenuItem>
              ))}
            </TextField>
            <PolicyEditor value={policy} onChange={setPolicy} errors={errors} />
          </Stack>
        )}
      </DialogContent>
      <DialogActions
        sx={{ position: phone ? "sticky" : undefined, bottom: 0, bgcolor: "background.paper" }}
      >
        <Button onClick={close} sx={{ minHeight: 44 }}>
          {secret ? "Done" : "Cancel"}
        </Button>
        {!secret && (
          <Button variant="contained" onClick={submit} sx={{ minHeight: 44 }}>
            Create key
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}

function PolicyCheck({ apiKey }: { apiKey: ApiKey }) {
  const [operation, setOperation] = useState("create_payment");
  const [currency, setCurrency] = useState("usd");
  const [amount, setAmount] = useState("");
  const [answer, setAnswer] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const check = async () => {
    setError(null);
    setAnswer(null);
    let minor: number;
    try {
      minor = parseMoney(amount, currency);
    } catch (exc) {
      setError(exc);
      return;
    }
    try {
      const verdict = await apiJson<Verdict>(`/api_keys/${apiKey.id}/policy_check`, {
        method: "POST",
        body: JSON.stringify({ operation, amount: minor, currency }),
      });
      setAnswer(describeVerdict(verdict));
    } catch (exc) {
      setError(exc);
    }
  };
  return (
    <Stack
      direction={{ xs: "column", sm: "row" }}
      spacing={1}
      sx={{ mt: 1, alignItems: { sm: "center" } }}
    >
      <TextField
        size="small"
        label="Tool / operation"
        value={operation}
        onChange={(e) => setOperation(e.target.value)}
      />
      <TextField
        size="small"
        label="Amount"
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
        slotProps={{ htmlInput: { "data-field": "check-amount" } }}
      />
      <TextField
        size="small"
        label="Currency"
        value={currency}
        onChange={(e) => setCurrency(e.target.value)}
        sx={{ width: 100 }}
      />
      <Button onClick={check} sx={{ minHeight: 44 }}>
        Would this call pass?
      </Button>
      {answer && <Typography data-testid="policy-verdict">{answer}</Typography>}
      <ErrorAlert error={error} />
    </Stack>
  );
}

export default function ApiKeysPage() {
  const url = useUrlState();
  const checking = url.values.check;
  const [keys, setKeys] = useState<Record<string, ApiKey>>({});
  const policyText = (row: ApiKey) => {
    const policy = row.agent_policy as Partial<AgentPolicy> | null;
    if (!policy) return "—";
    const parts = [];
    if (policy.max_amount_per_call != null) parts.push(`max ${policy.max_amount_per_call}`);
    if (policy.approval_above != null) parts.push(`approval > ${policy.approval_above}`);
    if (policy.read_only) parts.push("read-only");
    return parts.join(", ") || "policy";
  };
  return (
    <>
      <ResourcePage<ApiKey>
        title="API keys"
        path="/api_keys"
        headerExtra={
          <Button
            variant="contained"
            onClick={() => url.set({ dialog: "new-key" })}
            sx={{ minHeight: 44 }}
          >
            Create key
          </Button>
        }
        columns={[
          {
            field: "name",
            header: "Name",
            render: (row) => {
              if (!keys[row.id]) queueMicrotask(() => setKeys((k) => ({ ...k, [row.id]: row })));
              return row.name || "—";
            },
          },
          { field: "redacted_secret", header: "Secret" },
          { field: "scopes", header: "Scopes", render: (row) => row.scopes.join(" ") },
          { field: "agent_policy", header: "Agent policy", render: policyText },
          { field: "revoked_at", header: "Revoked", render: (row) => timestamp(row.revoked_at) },
        ]}
        actions={[
          {
            name: "revoke",
            label: "Revoke",
            admin: true,
            danger: true,
            show: (row) => !row.revoked_at,
            path: (row) => `/api_keys/${row.id}/revoke`,
          },
        ]}
      >
        {checking && keys[checking] && <PolicyCheck apiKey={keys[checking]!} />}
        <Stack direction="row" spacing={1} sx={{ mb: 1, flexWrap: "wrap" }} useFlexGap>
          {Object.values(keys)
            .filter((k) => k.agent_policy && !k.revoked_at)
            .map((k) => (
              <Button
                key={k.id}
                size="small"
                variant={checking === k.id ? "contained" : "outlined"}
                onClick={() => url.set({ check: k.id })}
              >
                Check {k.name || k.id}
              </Button>
            ))}
        </Stack>
      </ResourcePage>
      <CreateKeyDialog
        open={url.values.dialog === "new-key"}
        onClose={() => url.set({ dialog: null })}
      />
    </>
  );
}
