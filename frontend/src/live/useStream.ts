/**
 * One hook per WebSocket stream (`/ws/dashboard`, `/ws/payments`, `/ws/alerts`). It opens the
 * socket with the user's JWT (`?token=`; browsers cannot set headers on a WebSocket), hands every
 * JSON message to `onMessage`, and after a drop reconnects with backoff and sends
 * `{"type": "resume", "after": <last event id>}` so nothing is missed.
 */
import { useEffect, useRef, useState } from "react";

import { getTokens } from "../api/session";
import { resumeMessage } from "./reducer";

export type StreamStatus = "connecting" | "open" | "closed";

export function streamUrl(
  path: string,
  token: string,
  location: Location = window.location,
): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}${path}?token=${encodeURIComponent(token)}`;
}

export function useStream(
  path: string,
  onMessage: (message: { type: string; [key: string]: unknown }) => void,
  enabled = true,
): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const handler = useRef(onMessage);
  handler.current = onMessage;

  useEffect(() => {
    if (!enabled) return;
    let socket: WebSocket | null = null;
    let attempts = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastEventId: string | null = null;
    let stopped = false;

    const connect = () => {
      const token = getTokens()?.access;
      if (!token || stopped) return;
      setStatus("connecting");
      socket = new WebSocket(streamUrl(path, token));
      socket.onopen = () => {
        attempts = 0;
        setStatus("open");
        const resume = resumeMessage(lastEventId);
        if (resume) socket?.send(JSON.stringify(resume));
      };
      socket.onmessage = (frame) => {
        const message = JSON.parse(String(frame.data)) as { type: string; event?: { id?: string } };
        if (message.type === "event" && message.event?.id) lastEventId = message.event.id;
        handler.current(message);
      };
      socket.onclose = () => {
        setStatus("closed");
        if (stopped) return;
        attempts += 1;
        timer = setTimeout(connect, Math.min(1000 * 2 ** attempts, 15000));
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, [path, enabled]);

  return status;
}
