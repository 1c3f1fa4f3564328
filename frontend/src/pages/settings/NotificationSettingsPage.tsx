/**
 * The signed-in user's notification preferences (`settings/notifications`): for each kind of
 * notification, the channels it is sent on (email, SMS, in-app), and the phone number SMS goes
 * to. Saved with `PUT /notification_preferences` (the changed kinds, each complete); a refused phone
 * (`param: phone`) is shown on the phone field; the saved state is shown.
 */
import Button from "@mui/material/Button";
import Checkbox from "@mui/material/Checkbox";
import CircularProgress from "@mui/material/CircularProgress";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { apiJson } from "../../api/client";
import { ApiError } from "../../api/errors";
import type { components } from "../../api/schema";
import { ErrorAlert, PageHeader, SaveState } from "../../components/common";
import {
  changedChannels,
  CHANNELS,
  preferencesBody,
  smsWithoutPhone,
  toggleChannel,
  type Channels,
} from "./notificationPreferences";

type Preferences = components["schemas"]["NotificationPreferences"];
const QUERY_KEY = ["/notification_preferences"];
const CHANNEL_LABELS: Record<string, string> = { email: "Email", sms: "SMS", in_app: "In-app" };

export default function NotificationSettingsPage() {
  const queryClient = useQueryClient();
  const stored = useQuery({
    queryKey: QUERY_KEY,
    queryFn: () => apiJson<Preferences>("/notification_preferences"),
  });
  const [channels, setChannels] = useState<Channels | null>(null);
  const [phone, setPhone] = useState("");
  const [phoneError, setPhoneError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const [dirty, setDirty] = useState(false);

  useEffect(() => {
    if (stored.data && channels === null) {
      setChannels(stored.data.channels as Channels);
      setPhone(stored.data.phone ?? "");
    }
  }, [stored.data, channels]);

  const save = async () => {
    if (!channels) return;
    setError(null);
    setPhoneError(null);
    const changed = changedChannels((stored.data?.channels ?? {}) as Channels, channels);
    const missing = smsWithoutPhone(changed, phone);
    if (missing.length) {
      setPhoneError(`Add a phone number to receive ${missing[0]} by SMS.`);
      return;
    }
    setSaving(true);
    try {
      const saved = await apiJson<Preferences>("/notification_preferences", {
        method: "PUT",
        body: JSON.stringify(preferencesBody(changed, phone)),
      });
      queryClient.setQueryData(QUERY_KEY, saved);
      setChannels(saved.channels as Channels);
      setPhone(saved.phone ?? "");
      setSavedAt(new Date());
      setDirty(false);
    } catch (exc) {
      if (exc instanceof ApiError && exc.param === "phone") setPhoneError(exc.message);
      setError(exc);
    } finally {
      setSaving(false);
    }
  };
  const edited = () => {
    setDirty(true);
    setSavedAt(null);
  };

  return (
    <>
      <PageHeader title="Notification preferences" />
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Your own preferences: which notifications reach you, and how.
      </Typography>
      {stored.isPending && <CircularProgress aria-label="Loading your notification preferences" />}
      <ErrorAlert error={stored.error} />
      {channels && (
        <Paper variant="outlined" sx={{ p: 2, maxWidth: 760 }}>
          <TextField
            label="Phone for SMS (E.164)"
            value={phone}
            onChange={(e) => {
              setPhone(e.target.value);
              setPhoneError(null);
              edited();
            }}
            error={Boolean(phoneError)}
            helperText={phoneError ?? "e.g. +14155550123; empty = no SMS"}
            size="small"
            sx={{ mb: 2, maxWidth: 320 }}
            fullWidth
          />
          <Table size="small" aria-label="Channels per notification">
            <TableHead>
              <TableRow>
                <TableCell>Notification</TableCell>
                {CHANNELS.map((channel) => (
                  <TableCell key={channel} align="center">
                    {CHANNEL_LABELS[channel]}
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {Object.keys(channels)
                .sort()
                .map((kind) => (
                  <TableRow key={kind} data-kind={kind}>
                    <TableCell sx={{ overflowWrap: "anywhere" }}>{kind}</TableCell>
                    {CHANNELS.map((channel) => (
                      <TableCell key={channel} align="center" padding="checkbox">
                        <Checkbox
                          checked={channels[kind]!.includes(channel)}
                          onChange={(e) => {
                            setChannels(toggleChannel(channels, kind, channel, e.target.checked));
                            edited();
                          }}
                          slotProps={{
                            input: { "aria-label": `${kind} by ${CHANNEL_LABELS[channel]}` },
                          }}
                        />
                      </TableCell>
                    ))}
                  </TableRow>
                ))}
            </TableBody>
          </Table>
          <ErrorAlert error={error} />
          <Stack direction="row" spacing={2} sx={{ mt: 2, alignItems: "center" }}>
            <Button
              variant="contained"
              onClick={() => void save()}
              disabled={saving || !dirty}
              sx={{ minHeight: 44 }}
            >
              Save preferences
            </Button>
            <SaveState saving={saving} dirty={dirty} savedAt={savedAt} testId="preferences-state" />
          </Stack>
        </Paper>
      )}
    </>
  );
}
