/**
 * An object page's live refresh: every event on `/ws/payments` whose object `matches` (the
 * dispute itself, a payment crediting this wallet, …) invalidates `keys`. The stream is opened
 * only for roles that may read payments.
 */
import { useQueryClient } from "@tanstack/react-query";

import { useAuth } from "../auth/AuthProvider";
import { useStream } from "./useStream";

export type EventObject = Record<string, unknown> & { id?: string };

export function usePaymentEvents(
  matches: (object: EventObject) => boolean,
  keys: unknown[][],
): void {
  const auth = useAuth();
  const queryClient = useQueryClient();
  useStream(
    "/ws/payments",
    (message) => {
      const object = (message.event as { data?: { object?: EventObject } } | undefined)?.data
        ?.object;
      if (message.type === "event" && object && matches(object)) {
        for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
      }
    },
    auth.can("payments:read"),
  );
}
