/**
 * Takes the README's screenshots of the dashboard: the demo in Debian's
 * headless Chromium at phone and desktop width.
 *
 *   deno run --config tests/e2e/deno.json --allow-run=deno,/usr/bin/chromium --allow-net=127.0.0.1 --allow-env \
 *     --allow-read=.,/usr/bin/chromium --allow-write=/tmp,docs --allow-sys=homedir tests/e2e/screenshots.ts
 */
import { launchChromium } from "./_chromium.ts";
import { startServer } from "../_server.ts";

const KEY = "screenshot-key-0123456789";

const server = await startServer({ API_KEY: KEY, DEMO: "true" });
const browser = await launchChromium();
const { context } = browser;
try {
  const page = context.pages()[0] ?? await context.newPage();
  await page.goto(`${server.base}/`);
  await page.getByLabel("API key").fill(KEY);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Signed in as").waitFor();
  // Show a transition in progress and a message, as a person would see them.
  const gameServer = page.locator("li.instance", {
    has: page.getByRole("heading", { name: "game-server" }),
  });
  await gameServer.getByRole("button", { name: "Start game-server (us-west-2)" }).click();
  await gameServer.locator('.state-text:text-is("pending")').waitFor();
  // A hold, with its line and Release.
  await page.getByRole("button", { name: "Keep 4 h: dev-box (us-west-2)" }).click();
  await page.getByRole("button", { name: "Release the hold on dev-box (us-west-2)" }).waitFor();
  await page.setViewportSize({ width: 1100, height: 760 });
  await page.screenshot({ path: "docs/dashboard-desktop.png" });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: "docs/dashboard-phone.png" });
} finally {
  await browser.close();
  await server.stop();
}
