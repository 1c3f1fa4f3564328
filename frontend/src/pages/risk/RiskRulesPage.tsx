/**
 * The merchant's risk rules (`/risk/rules`, docs/risk.md): the list in evaluation order; create,
 * edit, enable/disable and delete (`risk:write`); a backtest of a rule over the last 30 days
 * (`POST /risk/rules/{id}/test`). A bad expression's error (`param: "expression:<offset>"`) lands
 * on the expression field. `risk.rule_*` events on `/ws/alerts` refresh the list live.
 */
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Chip from "@mui/material/Chip";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import type { components } from "../../api/schema";
import { useAuth } from "../../auth/AuthProvider";
import type { ActionField } from "../../components/ActionDialog";
import { Money, timestamp } from "../../components/common";
import ResourcePage from "../../components/ResourcePage";
import { useStream } from "../../live/useStream";

type RiskRule = components["schemas"]["RiskRule"];
type Backtest = components["schemas"]["Backtest"];
type Values = Record<string, string | number | undefined>;

export const RULE_ACTIONS = ["allow", "review", "block"];
const ACTION_COLORS: Record<string, "success" | "warning" | "error"> = {
  allow: "success",
  review: "warning",
  block: "error",
};

/** The rule dialog's fields, prefilled from `rule` when editing. */
export function ruleFields(rule?: Partial<RiskRule>): ActionField[] {
  return [
    { name: "name", label: "Name", required: true, defaultValue: rule?.name },
    {
      name: "expression",
      label: "Expression",
      kind: "multiline",
      required: true,
      defaultValue: rule?.expression,
      helperText: 'e.g. amount > 100000 and card_country not in ["us", "ca"] (docs/risk.md)',
    },
    {
      name: "action",
      label: "Action",
      kind: "select",
      options: RULE_ACTIONS,
      defaultValue: rule?.action ?? "review",
    },
    {
      name: "position",
      label: "Position (empty = last)",
      kind: "number",
      defaultValue: rule?.position === undefined ? undefined : String(rule.position),
    },
    {
      name: "enabled",
      label: "Enabled",
      kind: "select",
      options: ["true", "false"],
      defaultValue: String(rule?.enabled ?? true),
    },
  ];
}

/** The dialog's strings as the API's rule body (`enabled` a boolean, `position` an integer). */
export function ruleBody(values: Values): Record<string, unknown> {
  const body: Record<string, unknown> = { ...values };
  if (values.enabled !== undefined) body.enabled = values.enabled === "true";
  return body;
}

function BacktestResult({ result, onClose }: { result: Backtest; onClose: () => void }) {
  const amounts = Object.entries(result.matched_amount);
  return (
    <Alert severity="info" onClose={onClose} sx={{ mb: 2 }} data-testid="rule-backtest">
      Backtest of {result.rule} ({result.action}) from {timestamp(result.period_start)} to{" "}
      {timestamp(result.period_end)} UTC: {result.matched} of {result.evaluated} attempts matched
      (would block {result.would_block}, review {result.would_review}, allow {result.would_allow});{" "}
      {result.matched_fraud} of {result.fraud_total} fraudulent attempts caught.
      {amounts.length > 0 && (
        <Box component="span">
          {" "}
          Matched amount:{" "}
          {amounts.map(([currency, amount], index) => (
            <span key={currency}>
              {index > 0 && ", "}
              <Money amount={amount} currency={currency} />
            </span>
          ))}
          .
        </Box>
      )}
    </Alert>
  );
}

export default function RiskRulesPage() {
  const auth = useAuth();
  const queryClient = useQueryClient();
  const [backtest, setBacktest] = useState<Backtest | null>(null);
  useStream(
    "/ws/alerts",
    (message) => {
      const event = message.event as { type?: string } | undefined;
      if (message.type === "event" && event?.type?.startsWith("risk.rule_")) {
        void queryClient.invalidateQueries({ queryKey: ["/risk/rules"] });
      }
    },
    auth.can("risk:read"),
  );
  return (
    <ResourcePage<RiskRule>
      title="Risk rules"
      path="/risk/rules"
      pageSize={100}
      columns={[
        { field: "position", header: "#", width: 60 },
        { field: "name", header: "Name" },
        {
          field: "expression",
          header: "Expression",
          width: 320,
          render: (rule) => <code>{rule.expression}</code>,
        },
        {
          field: "action",
          header: "Action",
          render: (rule) => (
            <Chip
              size="small"
              label={rule.action}
              color={ACTION_COLORS[rule.action] ?? "default"}
            />
          ),
        },
        { field: "enabled", header: "Enabled", render: (rule) => (rule.enabled ? "yes" : "no") },
        { field: "updated", header: "Updated (UTC)", render: (rule) => timestamp(rule.updated) },
      ]}
      create={{
        name: "create",
        label: "New rule",
        scope: "risk:write",
        path: "/risk/rules",
        fields: ruleFields(),
        body: (values) => ruleBody(values),
      }}
      actions={[
        {
          name: "test",
          label: "Backtest",
          scope: "risk:read",
          path: (rule) => `/risk/rules/${rule.id}/test`,
          body: () => ({}),
          onDone: (result) => setBacktest(result as Backtest),
        },
        {
          name: "edit",
          label: "Edit",
          scope: "risk:write",
          fields: (rule) => ruleFields(rule),
          path: (rule) => `/risk/rules/${rule.id}`,
          body: (values) => ruleBody(values),
        },
        {
          name: "delete",
          label: "Delete",
          scope: "risk:write",
          danger: true,
          method: "DELETE",
          path: (rule) => `/risk/rules/${rule.id}`,
        },
      ]}
    >
      {backtest && <BacktestResult result={backtest} onClose={() => setBacktest(null)} />}
    </ResourcePage>
  );
}
