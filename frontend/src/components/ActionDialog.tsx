/**
 * A dialog for one user action (capture, refund, payout, …): its fields, one Idempotency-Key per
 * opening (reused if the user retries after an error, so a lost response never runs it twice),
 * money fields parsed from the typed decimal string into minor units, and the API's error `param`
 * shown on its field. Full-screen on phones with the primary button kept visible.
 */
import Button from "@mui/material/Button";
import Dialog from "@mui/material/Dialog";
import DialogActions from "@mui/material/DialogActions";
import DialogContent from "@mui/material/DialogContent";
import DialogContentText from "@mui/material/DialogContentText";
import DialogTitle from "@mui/material/DialogTitle";
import MenuItem from "@mui/material/MenuItem";
import TextField from "@mui/material/TextField";
import useMediaQuery from "@mui/material/useMediaQuery";
import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";

import { newActionKey } from "../api/client";
import { ApiError, fieldForParam } from "../api/errors";
import { MoneyParseError, parseMoney } from "../money/money";
import { ErrorAlert } from "./common";
import { PHONE_QUERY } from "./Layout";

export interface ActionField {
  name: string;
  label: string;
  kind?: "text" | "money" | "select" | "number" | "multiline" | "date";
  /** For money fields: the currency the typed amount is in. */
  currency?: string;
  options?: string[];
  /** What a select shows for an option (default: the option with "_" as spaces). */
  optionLabels?: Record<string, string>;
  required?: boolean;
  defaultValue?: string;
  helperText?: string;
}

export interface ActionDialogProps {
  open: boolean;
  title: string;
  submitLabel: string;
  fields: ActionField[];
  onClose: () => void;
  /** Send the action; `values` has money already in minor units. Throw ApiError to show it. */
  submit: (
    values: Record<string, string | number | undefined>,
    idempotencyKey: string,
  ) => Promise<unknown>;
  onDone?: (result: unknown) => void;
  /** Query keys to invalidate after success. */
  invalidate?: unknown[][];
  danger?: boolean;
  /** What the action does, above the fields (e.g. what accepting a dispute means). */
  description?: ReactNode;
}

export default function ActionDialog(props: ActionDialogProps) {
  const { open, title, submitLabel, fields, onClose, submit, onDone, invalidate = [] } = props;
  const phone = useMediaQuery(PHONE_QUERY);
  const queryClient = useQueryClient();
  const idempotencyKey = useMemo(() => (open ? newActionKey() : ""), [open]);
  const [error, setError] = useState<unknown>(null);
  const defaults = Object.fromEntries(fields.map((f) => [f.name, f.defaultValue ?? ""]));
  const {
    register,
    handleSubmit,
    setError: setFieldError,
    formState,
    reset,
  } = useForm<Record<string, string>>({
    defaultValues: defaults,
  });

  const close = () => {
    setError(null);
    reset(defaults);
    onClose();
  };

  const onSubmit = handleSubmit(async (raw) => {
    setError(null);
    const values: Record<string, string | number | undefined> = {};
    for (const field of fields) {
      const text = (raw[field.name] ?? "").trim();
      if (!text) {
        if (field.required) {
          setFieldError(field.name, { message: `Enter ${field.label.toLowerCase()}.` });
          return;
        }
        continue;
      }
      if (field.kind === "money") {
        try {
          values[field.name] = parseMoney(text, field.currency ?? "usd");
        } catch (exc) {
          setFieldError(field.name, {
            message: exc instanceof MoneyParseError ? exc.message : String(exc),
          });
          return;
        }
      } else if (field.kind === "number") values[field.name] = Number.parseInt(text, 10);
      else values[field.name] = text;
    }
    try {
      const result = await submit(values, idempotencyKey);
      await Promise.all(invalidate.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
      onDone?.(result);
      close();
    } catch (exc) {
      if (exc instanceof MoneyParseError && fields.some((f) => f.name === "amount")) {
        setFieldError("amount", { message: exc.message });
        return;
      }
      const field =
        exc instanceof ApiError
          ? fieldForParam(
              exc.param,
              fields.map((f) => f.name),
            )
          : null;
      if (field && exc instanceof ApiError)
        setFieldError(field, { message: `${exc.message} (${exc.code})` });
      setError(exc);
    }
  });

  return (
    <Dialog
      open={open}
      onClose={close}
      fullScreen={phone}
      fullWidth
      maxWidth="sm"
      aria-labelledby="action-dialog-title"
    >
      <form onSubmit={onSubmit} noValidate style={{ display: "contents" }}>
        <DialogTitle id="action-dialog-title">{title}</DialogTitle>
        <DialogContent>
          {props.description && (
            <DialogContentText sx={{ mb: 1 }}>{props.description}</DialogContentText>
          )}
          <ErrorAlert error={error} />
          {fields.map((field) => (
            <TextField
              key={field.name}
              label={
                field.kind === "money" && field.currency
                  ? `${field.label} (${field.currency.toUpperCase()})`
                  : field.label
              }
              select={field.kind === "select"}
              type={field.kind === "date" ? "date" : undefined}
              multiline={field.kind === "multiline"}
              minRows={field.kind === "multiline" ? 3 : undefined}
              fullWidth
              margin="normal"
              inputMode={field.kind === "money" ? "decimal" : undefined}
              {...register(field.name)}
              defaultValue={field.defaultValue ?? ""}
              error={Boolean(formState.errors[field.name])}
              helperText={formState.errors[field.name]?.message ?? field.helperText}
              slotProps={{
                htmlInput: {
                  "data-field": field.name,
                  inputMode: field.kind === "money" ? "decimal" : undefined,
                },
                // A date input always shows its placeholder (yyyy-mm-dd): keep the label above it.
                inputLabel: field.kind === "date" ? { shrink: true } : undefined,
              }}
            >
              {field.options?.map((option) => (
                <MenuItem key={option} value={option}>
                  {field.optionLabels?.[option] ?? option.replace(/_/g, " ")}
                </MenuItem>
              ))}
            </TextField>
          ))}
        </DialogContent>
        <DialogActions
          sx={{ position: phone ? "sticky" : undefined, bottom: 0, bgcolor: "background.paper" }}
        >
          <Button onClick={close} sx={{ minHeight: 44 }}>
            Cancel
          </Button>
          <Button
            type="submit"
            variant="contained"
            color={props.danger ? "error" : "primary"}
            disabled={formState.isSubmitting}
            sx={{ minHeight: 44 }}
          >
            {submitLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
