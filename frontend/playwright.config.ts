/**
 * Playwright against the real stack: `scripts/run.sh` (what `make run` starts: uvicorn with
 * HTTP/WebSockets/MCP, Celery, the events relay and consumers) on E2E_PORT, in Debian's Chromium
 * (/usr/bin/chromium; no browser download). One server for the whole run and two workers
 * (E2E_WORKERS), each with its own merchant (e2e/global-setup.ts): most of a test's time is the
 * stack's work (Celery tasks, the events relay, the socket), so a second browser fills the wait.
 * A file's tests run in order on one worker.
 * Projects: desktop 1280×800 runs every test but the tagged ones; phones 390×844 and 360×800 run
 * the tests tagged @phone (layout, navigation, one money flow, the full-screen assistant panel);
 * tablet 768×1024 runs those tagged @tablet (layout, navigation and the money flow: the phone
 * tests that are not about phone-only UI).
 */
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 8799);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  reporter: [["list"]],
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath: chromium, args: ["--no-sandbox", "--disable-dev-shm-usage"] },
    trace: "off",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "desktop", grepInvert: /@phone|@tablet/, use: { viewport: { width: 1280, height: 800 } } },
    { name: "tablet", grep: /@tablet/, use: { viewport: { width: 768, height: 1024 }, isMobile: true, hasTouch: true } },
    { name: "phone-390", grep: /@phone/, use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
    { name: "phone-360", grep: /@phone/, use: { viewport: { width: 360, height: 800 }, isMobile: true, hasTouch: true } },
  ],
  webServer: {
    command: `bash ../scripts/run.sh`,
    url: `http://127.0.0.1:${port}/health/live`,
    env: { PORT: String(port) },
    reuseExistingServer: Boolean(process.env.E2E_REUSE_SERVER),
    timeout: 180_000,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 25_000 },
  },
});
