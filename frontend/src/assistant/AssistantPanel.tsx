/**
 * The assistant panel (a drawer on every page; full-screen on phones): the MCP tools this user may
 * call, a form per tool from its `inputSchema` (@rjsf/mui), money-moving tools run dry first and
 * ask to confirm, results linked to their pages, pending approvals that update live from
 * `/ws/alerts`, and the server's prompts. With no language model configured it is a tool console.
 */
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import CircularProgress from "@mui/material/CircularProgress";
import Drawer from "@mui/material/Drawer";
import FormControlLabel from "@mui/material/FormControlLabel";
import IconButton from "@mui/material/IconButton";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import Switch from "@mui/material/Switch";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import CloseIcon from "@mui/icons-material/Close";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import Form from "@rjsf/mui";
import type { RJSFSchema } from "@rjsf/utils";
import validator from "@rjsf/validator-ajv8";
import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router";

import { apiJson } from "../api/client";
import type { AgentApproval } from "../api/types";
import { useAuth } from "../auth/AuthProvider";
import { JsonView, Money, StatusChip } from "../components/common";
import { useStream } from "../live/useStream";
import {
  applyApproval,
  approvalFromMessage,
  approvalIdOf,
  loadTracked,
  openApprovals,
  resultError,
  resultLink,
  saveTracked,
  trackPending,
  type Tracked,
} from "./approvals";
import { connect, formSchema, movesMoney, pageFor, resultObject, type ToolInfo } from "./mcp";

const APPROVALS_PAGE = "/agents/approvals?status=pending";
// Without the /ws/alerts stream (a role without risk:read or compliance:read, or a dropped
// socket), the open approvals are read every few seconds instead.
const POLL_MS = 4000;

interface Outcome {
  tool: string;
  dryRun: boolean;
  isError: boolean;
  body: Record<string, unknown>;
  args: Record<string, unknown>;
}

export default function AssistantPanel({
  open,
  onClose,
  fullScreen,
}: {
  open: boolean;
  onClose: () => void;
  fullScreen: boolean;
}) {
  const auth = useAuth();
  const [client, setClient] = useState<Client | null>(null);
  const [tools, setTools] = useState<ToolInfo[]>([]);
  const [prompts, setPrompts] = useState<{ name: string; description?: string }[]>([]);
  const [selected, setSelected] = useState("");
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [dryFirst, setDryFirst] = useState(true);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [approvals, setApprovals] = useState<Tracked>(() => loadTracked());

  useEffect(() => {
    let live = true;
    let opened: Client | null = null;
    connect()
      .then(async (c) => {
        opened = c;
        if (!live) return void c.close();
        setClient(c);
        const listed = await c.listTools();
        if (live) setTools(listed.tools as ToolInfo[]);
        const listedPrompts = await c.listPrompts().catch(() => ({ prompts: [] }));
        if (live) setPrompts(listedPrompts.prompts);
      })
      .catch((exc: unknown) => live && setError(`Could not reach /mcp: ${String(exc)}`));
    return () => {
      live = false;
      void opened?.close();
    };
  }, []);

  useEffect(() => saveTracked(approvals), [approvals]);

  const stream = useStream(
    "/ws/alerts",
    (message) => {
      const approval = approvalFromMessage(message);
      if (approval) setApprovals((current) => applyApproval(current, approval));
    },
    open && (auth.can("risk:read") || auth.can("compliance:read")),
  );

  // Read the open approvals' current state: when the panel opens (they may have been decided
  // while it was closed), when the stream (re)connects, and on a timer while it is not open.
  const waiting = openApprovals(approvals).join(",");
  const refresh = useCallback(async () => {
    for (const id of waiting.split(",").filter(Boolean)) {
      try {
        const approval = await apiJson<AgentApproval>(`/agent_approvals/${id}`);
        setApprovals((current) => applyApproval(current, approval));
      } catch {
        // A transient failure: the next refresh or event catches up.
      }
    }
  }, [waiting]);
  useEffect(() => {
    if (!open || !waiting) return;
    void refresh();
    if (stream === "open") return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [open, waiting, stream, refresh]);

  const tool = tools.find((t) => t.name === selected);
  const money = tool ? movesMoney(tool) : false;

  const call = async (args: Record<string, unknown>, dryRun: boolean) => {
    if (!client || !tool) return;
    setBusy(true);
    setError(null);
    try {
      const result = await client.callTool({
        name: tool.name,
        arguments: money ? { ...args, dry_run: dryRun } : args,
      });
      const body = resultObject(result as never);
      setOutcome({ tool: tool.name, dryRun, isError: Boolean(result.isError), body, args });
      const approval = result.isError ? null : approvalIdOf(body);
      if (approval) setApprovals((current) => trackPending(current, approval, tool.name, args));
    } catch (exc) {
      setError(String(exc));
    } finally {
      setBusy(false);
    }
  };

  const pendingId =
    outcome && !outcome.isError && !outcome.dryRun ? approvalIdOf(outcome.body) : null;
  const link =
    outcome && !pendingId
      ? pageFor(outcome.body.id ?? (outcome.body.object as Record<string, unknown> | undefined)?.id)
      : null;

  return (
    <Drawer
      anchor="right"
      open={open}
      onClose={onClose}
      slotProps={{ paper: { sx: { width: fullScreen ? "100%" : 480 } } }}
    >
      <Box sx={{ p: 2 }} role="region" aria-label="Assistant">
        <Stack direction="row" sx={{ mb: 1, alignItems: "center" }}>
          <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>
            Assistant
          </Typography>
          <IconButton
            aria-label="Close the assistant"
            onClick={onClose}
            sx={{ width: 44, height: 44 }}
          >
            <CloseIcon />
          </IconButton>
        </Stack>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Tools over MCP with your login; the merchant's assistant policy applies (limits,
          approvals, audit).
        </Typography>
        {error && <Alert severity="error">{error}</Alert>}
        {!client && !error && <CircularProgress aria-label="Connecting" />}
        {client && (
          <TextField
            select
            fullWidth
            label={`Tool (${tools.length} available)`}
            value={selected}
            onChange={(e) => {
              setSelected(e.target.value);
              setFormData({});
              setOutcome(null);
            }}
            slotProps={{ htmlInput: { "data-testid": "tool-select" } }}
          >
            {tools.map((t) => (
              <MenuItem key={t.name} value={t.name}>
                {t.name}
                {movesMoney(t) ? " · moves money" : ""}
              </MenuItem>
            ))}
          </TextField>
        )}
        {tool && (
          <Box sx={{ mt: 2 }} data-testid="tool-form">
            <Typography variant="body2" sx={{ mb: 1 }}>
              {tool.description}
            </Typography>
            {money && (
              <FormControlLabel
                control={
                  <Switch checked={dryFirst} onChange={(e) => setDryFirst(e.target.checked)} />
                }
                label="Dry run first (recommended)"
              />
            )}
            <Form
              schema={formSchema(tool) as RJSFSchema}
              validator={validator}
              formData={formData}
              onChange={(e) => setFormData((e.formData ?? {}) as Record<string, unknown>)}
              onSubmit={(e) =>
                void call((e.formData ?? {}) as Record<string, unknown>, money && dryFirst)
              }
              disabled={busy}
            >
              <Button
                type="submit"
                variant="contained"
                disabled={busy}
                sx={{ mt: 1, minHeight: 44 }}
              >
                {money && dryFirst ? "Dry run" : "Run"}
              </Button>
            </Form>
          </Box>
        )}
        {outcome && (
          <Box sx={{ mt: 2 }} data-testid="tool-result">
            <Stack direction="row" spacing={1} sx={{ mb: 1, alignItems: "center" }}>
              <Chip
                label={
                  outcome.dryRun
                    ? "dry run: nothing changed"
                    : outcome.isError
                      ? "error"
                      : pendingId
                        ? "waiting for approval"
                        : String(outcome.body.status ?? "done")
                }
                color={
                  outcome.isError
                    ? "error"
                    : outcome.dryRun
                      ? "info"
                      : pendingId
                        ? "warning"
                        : "success"
                }
              />
              {link && (
                <Button component={Link} to={link} size="small" onClick={onClose}>
                  Open
                </Button>
              )}
            </Stack>
            {pendingId && (
              <Alert severity="warning" sx={{ mb: 1 }} data-testid="pending-approval">
                Above the assistant policy's approval threshold: nothing happened yet. {pendingId}{" "}
                waits for an admin on the{" "}
                <Link to={APPROVALS_PAGE} onClick={onClose}>
                  approvals page
                </Link>
                ; it updates below when decided.
              </Alert>
            )}
            {outcome.dryRun && !outcome.isError && (
              <Button
                variant="contained"
                color="warning"
                onClick={() => void call(outcome.args, false)}
                disabled={busy}
                sx={{ mb: 1, minHeight: 44 }}
              >
                Confirm and run for real
              </Button>
            )}
            <JsonView value={outcome.body} label="Tool result" />
          </Box>
        )}
        {Object.keys(approvals).length > 0 && (
          <Box sx={{ mt: 2 }} data-testid="assistant-approvals" aria-live="polite">
            <Stack direction="row" sx={{ alignItems: "center" }}>
              <Typography variant="subtitle2" component="h3" sx={{ flexGrow: 1 }}>
                Approvals
              </Typography>
              <Button
                component={Link}
                to={APPROVALS_PAGE}
                size="small"
                onClick={onClose}
                sx={{ minHeight: 44 }}
              >
                Approvals page
              </Button>
              <Button size="small" onClick={() => setApprovals({})} sx={{ minHeight: 44 }}>
                Clear
              </Button>
            </Stack>
            {Object.values(approvals)
              .reverse()
              .map((approval) => {
                const created = resultLink(approval);
                const failure = resultError(approval);
                return (
                  <Box
                    key={approval.id}
                    data-approval={approval.id}
                    data-status={approval.status}
                    sx={{ py: 1, borderTop: 1, borderColor: "divider" }}
                  >
                    <Stack
                      direction="row"
                      spacing={1}
                      sx={{ alignItems: "center", flexWrap: "wrap" }}
                      useFlexGap
                    >
                      <StatusChip status={approval.status} />
                      <Typography variant="body2" sx={{ overflowWrap: "anywhere" }}>
                        {approval.tool}{" "}
                        {approval.amount !== null && (
                          <Money amount={approval.amount} currency={approval.currency} />
                        )}{" "}
                        · {approval.id}
                      </Typography>
                    </Stack>
                    {created && (
                      <Button
                        component={Link}
                        to={created}
                        size="small"
                        onClick={onClose}
                        sx={{ minHeight: 44 }}
                      >
                        Open {String(approval.result?.id)}
                        {approval.result?.status ? ` (${String(approval.result.status)})` : ""}
                      </Button>
                    )}
                    {failure && (
                      <Typography variant="body2" color="error">
                        {failure}
                      </Typography>
                    )}
                  </Box>
                );
              })}
          </Box>
        )}
        {prompts.length > 0 && (
          <Box sx={{ mt: 3 }}>
            <Typography variant="subtitle2">Prompts</Typography>
            {prompts.map((prompt) => (
              <Typography key={prompt.name} variant="body2">
                <strong>{prompt.name}</strong> — {prompt.description}
              </Typography>
            ))}
          </Box>
        )}
      </Box>
    </Drawer>
  );
}
