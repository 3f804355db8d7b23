/**
 * The browser the dashboard's browser test and `tests/e2e/screenshots.ts` drive:
 * Debian's Chromium (`.ci/setup.d/chromium.sh` installs it), headless; and
 * the real server driven in it at phone width, as the browser tests of the
 * dashboard and the wake-up page do.
 *
 * @module
 */
import type { BrowserContext, Page } from "playwright-core";
import { mayStartServer, type RunningServer, startServer } from "../_server.ts";

/** Where Debian puts Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Headless, no sandbox (CI runs as root), nothing fetched in the background:
 * the build machines' network is closed, and Chromium would otherwise try
 * Google's hosts at every start.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A fresh headless Chromium with its own throw-away profile. */
export interface Browser {
  context: BrowserContext;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

/** Why Chromium cannot run in this test run, or null when it can. */
export async function chromiumMissing(): Promise<string | null> {
  const run = await Deno.permissions.query({ name: "run", command: CHROMIUM });
  const write = await Deno.permissions.query({ name: "write", path: "/tmp" });
  if (run.state !== "granted" || write.state !== "granted") {
    return `it needs --allow-run=${CHROMIUM} --allow-write=/tmp`;
  }
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    return `${CHROMIUM} is missing (apt-get install -y chromium)`;
  }
  return null;
}

/**
 * Launches Chromium through playwright-core, in a new temporary profile.
 * `bypassCSP` lets a test inject a script (axe-core) the page's CSP would refuse.
 */
export async function launchChromium(
  options: { viewport?: { width: number; height: number }; bypassCSP?: boolean } = {},
): Promise<Browser> {
  // playwright-core probes /proc/sys/fs/binfmt_misc (is it WSL?) when it loads, which Deno
  // allows only with every permission; this switch of its bundled is-wsl defers the probe.
  Deno.env.set("__IS_WSL_TEST__", "1");
  const { chromium } = await import("playwright-core");
  const profile = await Deno.makeTempDir({ prefix: "workwork-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    viewport: options.viewport,
    bypassCSP: options.bypassCSP,
  });
  return {
    context,
    async close() {
      await context.close();
      await Deno.remove(profile, { recursive: true });
    },
  };
}

/**
 * The first page of `context` and the problems it reports from now on: its
 * script errors, and console errors other than those `expected` matches (the
 * failed request a test provokes on purpose, e.g. `/status of 409/`).
 */
export async function watchedPage(
  context: BrowserContext,
  expected: RegExp,
): Promise<{ page: Page; problems: string[] }> {
  const page = context.pages()[0] ?? await context.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !expected.test(message.text())) {
      problems.push(message.text());
    }
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return { page, problems };
}

/** Why this test run cannot start the real server and drive it in Chromium, or null when it can. */
export async function serverInChromiumMissing(): Promise<string | null> {
  if (!await mayStartServer()) return "it needs --allow-run=deno --allow-net=127.0.0.1 --allow-env";
  return await chromiumMissing();
}

/**
 * Starts the real server with `env` and Chromium at phone width (360 × 780),
 * runs `body` with both, then closes the browser and stops the server, whether
 * `body` passed or threw. Answers the stopped server, for its log lines.
 */
export async function serverInChromium(
  env: Record<string, string>,
  body: (served: { server: RunningServer; context: BrowserContext }) => Promise<void>,
): Promise<RunningServer> {
  const server = await startServer(env);
  const browser = await launchChromium({ viewport: { width: 360, height: 780 } });
  try {
    await body({ server, context: browser.context });
  } finally {
    await browser.close();
    await server.stop();
  }
  return server;
}
