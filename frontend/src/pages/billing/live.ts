/**
 * Billing pages follow `/ws/payments`, which carries `subscription.*` and `invoice.*` events: each
 * one invalidates the billing queries (lists and details), so a renewal made by a test clock's
 * advance or the beat job shows without a reload. A clock's own status is polled while advancing
 * (its `test_clock.*` events are not on a stream).
 */
import { useQueryClient } from "@tanstack/react-query";

import { useAuth } from "../../auth/AuthProvider";
import { useStream } from "../../live/useStream";

export const BILLING_KEYS = [["/subscriptions"], ["/invoices"], ["/test_clocks"], ["/customers"]];

export function useBillingLive(): void {
  const auth = useAuth();
  const queryClient = useQueryClient();
  useStream(
    "/ws/payments",
    (message) => {
      const type = (message.event as { type?: string } | undefined)?.type ?? "";
      if (
        message.type === "event" &&
        (type.startsWith("subscription.") || type.startsWith("invoice."))
      ) {
        for (const queryKey of BILLING_KEYS) void queryClient.invalidateQueries({ queryKey });
      }
    },
    auth.can("payments:read"),
  );
}
