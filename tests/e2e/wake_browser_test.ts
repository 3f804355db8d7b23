/**
 * The wake-up page in a real browser at phone width: Debian's headless
 * Chromium, driven by playwright-core, against the real server in demo mode.
 * A person opens the link signed out, signs in on the page, sees the stopped
 * box, presses Start, and is sent on to `workwork:url` once the box runs and
 * its name's record (in demo mode's Route53) holds the new address.
 *
 * Needs /usr/bin/chromium and the permissions `deno task test` grants;
 * skipped with a message otherwise.
 */
import { assert, assertEquals } from "@std/assert";
import { CHROMIUM, launchChromium } from "./_chromium.ts";
import { mayStartServer, startServer } from "../_server.ts";

const KEY = "wake-browser-test-key-0123456789";
/** Long enough for the simulator's 3 s transitions and the follow-up's polls on a slow machine. */
const SETTLE_MS = 60_000;
const GAME_URL = "https://game.demo.workwork.test/";

async function browserReady(): Promise<string | null> {
  if (!await mayStartServer()) return "it needs --allow-run=deno --allow-net=127.0.0.1 --allow-env";
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

const skipped = await browserReady();
if (skipped) console.warn(`wake_browser_test.ts skipped: ${skipped}`);

Deno.test({
  name:
    "in Chromium at phone width a person opens the wake link, signs in, starts the box and is sent on once its name follows",
  ignore: skipped !== null,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = await startServer({ API_KEY: KEY, DEMO: "true" });
    const browser = await launchChromium({ viewport: { width: 360, height: 780 } });
    const { context } = browser;
    try {
      // The demo's name is not on the internet: the browser's arrival there is answered here.
      await context.route(
        `${GAME_URL}**`,
        (route) =>
          route.fulfill({ status: 200, contentType: "text/html", body: "<h1>the game</h1>" }),
      );
      const page = context.pages()[0] ?? await context.newPage();
      const problems: string[] = [];
      page.on("console", (message) => {
        // The signed-out status answers 422; anything else (a CSP refusal, a script error) is a problem.
        if (message.type() === "error" && !/status of 422/.test(message.text())) {
          problems.push(message.text());
        }
      });
      page.on("pageerror", (error) => problems.push(error.message));

      await page.goto(`${server.base}/wake/us-west-2/game-server`);
      await page.getByText("Sign in with your API key to see and start this machine.").waitFor();
      const key = page.getByLabel("API key");
      await key.fill(KEY);
      await page.keyboard.press("Enter");

      await page.locator("#state").getByText("stopped").waitFor();
      const start = page.getByRole("button", { name: "Start" });
      await start.waitFor();
      const width = Number(await page.evaluate("document.documentElement.scrollWidth"));
      assert(width <= 360, `the page is ${width} px wide`);
      const box = await start.boundingBox();
      assert(box && box.height >= 40 && box.width >= 300, `the button is ${JSON.stringify(box)}`);
      assertEquals((await page.content()).includes(KEY), false);

      await start.click();
      await page.waitForURL(GAME_URL, { timeout: SETTLE_MS });
      assertEquals(await page.locator("h1").textContent(), "the game");
      assertEquals(problems, []);

      // The service wrote the record the page waited for, and the box runs.
      const read = await fetch(`${server.base}/wake/us-west-2/game-server/status`, {
        headers: { "x-api-key": KEY },
      });
      const status = await read.json();
      assertEquals([status.state, status.ready], ["running", true]);
      assertEquals(status.names[0].found, [status.public_ip_address]);
    } finally {
      await browser.close();
      await server.stop();
    }
    for (const line of server.lines) assertEquals(line.includes(KEY), false, line);
  },
});
