/**
 * The notification preferences form's model (`GET/PUT /notification_preferences`): per
 * notification kind, the channels it is sent on (email, sms, in_app), and the user's phone for
 * SMS (E.164).
 */
export const CHANNELS = ["email", "sms", "in_app"] as const;
export type Channel = (typeof CHANNELS)[number];
export type Channels = Record<string, Channel[]>;

/** `channels` with `channel` switched on or off for `kind`, in the canonical channel order. */
export function toggleChannel(
  channels: Channels,
  kind: string,
  channel: Channel,
  on: boolean,
): Channels {
  const current = new Set(channels[kind] ?? []);
  if (on) current.add(channel);
  else current.delete(channel);
  return { ...channels, [kind]: CHANNELS.filter((c) => current.has(c)) };
}

/** The kinds whose channels differ from the stored ones, each with its complete new list (the
 * server keeps the kinds not sent; defaults may have SMS on without a phone, so unchanged kinds
 * are never resent). */
export function changedChannels(stored: Channels, current: Channels): Channels {
  const changed: Channels = {};
  for (const [kind, chosen] of Object.entries(current)) {
    const before = stored[kind] ?? [];
    if (chosen.length !== before.length || chosen.some((channel) => !before.includes(channel)))
      changed[kind] = chosen;
  }
  return changed;
}

/** The update body: the changed kinds' complete lists, the phone trimmed (empty = removed, null). */
export function preferencesBody(
  changed: Channels,
  phone: string,
): { channels: Channels; phone: string | null } {
  return { channels: changed, phone: phone.trim() || null };
}

/** The changed kinds that ask for SMS while no phone is given: the server refuses those
 * (param `phone`). */
export function smsWithoutPhone(changed: Channels, phone: string): string[] {
  if (phone.trim()) return [];
  return Object.entries(changed)
    .filter(([, chosen]) => chosen.includes("sms"))
    .map(([kind]) => kind);
}
