/**
 * The wake-up page in a real browser at phone width: Debian's headless
 * Chromium, driven by playwright-core, against the real server in demo mode.
 * A person opens the link signed out, signs in on the page, sees the stopped
 * box, presses Start, and is sent on to `workwork:url` once the box runs and
 * its name's record (in demo mode's Route53) holds the new address.
 *
 * A friend with no key opens a signed link from `deno task link` and
 * starts the box; a tampered link shows a sentence and no button.
 *
 * Needs /usr/bin/chromium and the permissions `deno task test` grants;
 * skipped with a message otherwise.
 */
import { assert, assertEquals } from "@std/assert";
import type { BrowserContext } from "playwright-core";
import { serverInChromium, serverInChromiumMissing, watchedPage } from "./_chromium.ts";

const KEY = "wake-browser-test-key-0123456789";
/** Long enough for the simulator's 3 s transitions and the follow-up's polls on a slow machine. */
const SETTLE_MS = 60_000;
const GAME_URL = "https://game.demo.workwork.test/";

/** The demo's name is not on the internet: the browser's arrival there is answered here. */
async function answerGame(context: BrowserContext): Promise<void> {
  await context.route(
    `${GAME_URL}**`,
    (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<h1>the game</h1>" }),
  );
}

const skipped = await serverInChromiumMissing();
if (skipped) console.warn(`wake_browser_test.ts skipped: ${skipped}`);

Deno.test({
  name:
    "in Chromium at phone width a person opens the wake link, signs in, starts the box and is sent on once its name follows",
  ignore: skipped !== null,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = await serverInChromium(
      { API_KEY: KEY, DEMO: "true" },
      async ({ server, context }) => {
        await answerGame(context);
        // The signed-out status answers 422; anything else (a CSP refusal, a script error) is a problem.
        const { page, problems } = await watchedPage(context, /status of 422/);

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
      },
    );
    for (const line of server.lines) assertEquals(line.includes(KEY), false, line);
  },
});

const LINK_SECRET = "a-link-secret-for-the-wake-browser-test-0123";
const PUBLIC_URL = "https://workwork.example.com/";
const GAME_ID = "i-0b2c3d4e5f6071829";

/** `deno task link`, as a person runs it, with the service's own secret. */
async function mintedLink(): Promise<string> {
  const output = await new Deno.Command("deno", {
    args: ["task", "--quiet", "link", "us-west-2", GAME_ID, "--hours", "1"],
    cwd: new URL("../..", import.meta.url).pathname,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
      LINK_SECRET,
      PUBLIC_URL,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const printed = new TextDecoder().decode(output.stdout);
  assert(output.success, new TextDecoder().decode(output.stderr));
  assertEquals(printed.includes(LINK_SECRET), false);
  const url = new URL(printed.split("\n")[0]);
  assertEquals(url.origin + "/", PUBLIC_URL);
  return url.pathname + url.hash;
}

Deno.test({
  name:
    "in Chromium at phone width a friend with only a signed link starts the box; a tampered link shows why, and no button",
  ignore: skipped !== null,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const link = await mintedLink();
    const server = await serverInChromium(
      { API_KEY: KEY, DEMO: "true", LINK_SECRET, PUBLIC_URL },
      async ({ server, context }) => {
        await answerGame(context);
        // The tampered link's status answers 401; anything else is a problem.
        const { page, problems } = await watchedPage(context, /status of 401/);

        // Tampered: the signature's last characters changed.
        const tampered = link.slice(0, -3) + (link.endsWith("AAA") ? "BBB" : "AAA");
        await page.goto(`${server.base}${tampered}`);
        await page.getByText("This link is not valid. Ask whoever sent it for a new link.")
          .waitFor();
        assertEquals(await page.getByRole("button", { name: "Start" }).isVisible(), false);
        assertEquals(await page.getByLabel("API key").isVisible(), false);

        // The good link: no sign-in, the stopped box and its button.
        await page.goto(`${server.base}${link}`);
        await page.locator("#state").getByText("stopped").waitFor();
        const start = page.getByRole("button", { name: "Start" });
        await start.waitFor();
        const width = Number(await page.evaluate("document.documentElement.scrollWidth"));
        assert(width <= 360, `the page is ${width} px wide`);
        await start.click();
        await page.waitForURL(GAME_URL, { timeout: SETTLE_MS });
        assertEquals(problems, []);

        const read = await fetch(`${server.base}/wake/us-west-2/${GAME_ID}/status`, {
          headers: { "x-api-key": KEY },
        });
        assertEquals((await read.json()).state, "running");
      },
    );
    const token = link.split("#link=")[1];
    for (const line of server.lines) {
      assertEquals(line.includes(LINK_SECRET), false, line);
      assertEquals(line.includes(token.split(".")[1]), false, line);
    }
    const audits = server.lines.filter((line) => line.includes('"event":"link"'));
    assertEquals(audits.length, 1, server.lines.join("\n"));
    assertEquals(JSON.parse(audits[0]).instance_id, GAME_ID);
  },
});
