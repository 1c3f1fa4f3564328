// First contentful paint of the dashboard's home in Debian's Chromium, for `make bench`
// (ops/bench/dashboard.py). Usage: node e2e/fcp.mjs <base url> [runs]. A session is planted so
// home renders (its API calls may fail: only the paint is measured). Prints the median in ms.
import { chromium } from "@playwright/test";

const [base, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
const samples = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => {
    sessionStorage.setItem(
      "mcp-payments.session",
      JSON.stringify({ access: "bench.bench.bench", refresh: "bench" }),
    );
  });
  const page = await context.newPage();
  await page.goto(`${base}/dashboard/`, { waitUntil: "load" });
  const fcp = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const seen = performance.getEntriesByName("first-contentful-paint")[0];
        if (seen) return resolve(seen.startTime);
        new PerformanceObserver((list) => resolve(list.getEntries()[0].startTime)).observe({
          type: "paint",
          buffered: true,
        });
      }),
  );
  samples.push(fcp);
  await context.close();
}
await browser.close();
samples.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    dashboard_fcp_ms: Math.round(samples[Math.floor(samples.length / 2)]),
    samples: samples.map(Math.round),
  }),
);
