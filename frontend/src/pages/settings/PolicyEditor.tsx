/** The agent-policy editor: per-call maximum, daily limit per currency, approval threshold,
 * allowed tools, expiry, read-only. Amounts are typed as decimals and kept as minor units. */
import Checkbox from "@mui/material/Checkbox";
import FormControlLabel from "@mui/material/FormControlLabel";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";

import { CURRENCIES } from "../../money/money";
import type { PolicyForm } from "./policy";

export default function PolicyEditor({
  value,
  onChange,
  errors = {},
  disabled = false,
  legend = "Agent policy",
}: {
  value: PolicyForm;
  onChange: (value: PolicyForm) => void;
  errors?: Partial<Record<keyof PolicyForm, string>>;
  /** Read-only display (a user who may not change the policy). */
  disabled?: boolean;
  legend?: string;
}) {
  const field = (name: Exclude<keyof PolicyForm, "read_only">, label: string, helper?: string) => (
    <TextField
      label={label}
      value={value[name]}
      onChange={(e) => onChange({ ...value, [name]: e.target.value })}
      error={Boolean(errors[name])}
      helperText={errors[name] ?? helper}
      size="small"
      fullWidth
      disabled={disabled}
      slotProps={{ htmlInput: { "data-field": `policy.${name}` } }}
    />
  );
  return (
    <Stack spacing={2} sx={{ mt: 1, border: "none", p: 0, m: 0 }} component="fieldset">
      <legend>{legend}</legend>
      <TextField
        select
        label="Currency of the amounts below"
        value={value.currency}
        onChange={(e) => onChange({ ...value, currency: e.target.value })}
        size="small"
        disabled={disabled}
      >
        {CURRENCIES.map((currency) => (
          <MenuItem key={currency} value={currency}>
            {currency.toUpperCase()}
          </MenuItem>
        ))}
      </TextField>
      {field("max_amount_per_call", "Maximum per call", "e.g. 100.00; empty = no maximum")}
      {field("approval_above", "Approval above", "calls above this wait for a human approval")}
      {field("daily_limit", "Daily limit per currency", "usd=500, eur=250.50")}
      {field(
        "allowed_tools",
        "Allowed tools",
        "comma separated; empty = every tool the scopes allow",
      )}
      <TextField
        label="Expires on"
        type="date"
        value={value.expires_at}
        onChange={(e) => onChange({ ...value, expires_at: e.target.value })}
        error={Boolean(errors.expires_at)}
        helperText={errors.expires_at}
        size="small"
        disabled={disabled}
        slotProps={{ inputLabel: { shrink: true } }}
      />
      <FormControlLabel
        control={
          <Checkbox
            checked={value.read_only}
            disabled={disabled}
            onChange={(e) => onChange({ ...value, read_only: e.target.checked })}
          />
        }
        label="Read-only (no tool that moves money)"
      />
    </Stack>
  );
}
