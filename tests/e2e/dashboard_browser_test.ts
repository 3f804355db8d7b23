/**
 * The dashboard in a real browser: Debian's headless Chromium, driven by
 * playwright-core, against the real server on the demo simulator. Signs in,
 * stops and starts an instance, sees an error, signs out.
 *
 * Needs /usr/bin/chromium (`.ci/setup.d/chromium.sh` installs it) and the
 * permissions `deno task test` grants; skipped with a message otherwise.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import type { Page } from "playwright-core";
import { serverInChromium, serverInChromiumMissing, watchedPage } from "./_chromium.ts";

const KEY = "browser-test-key-0123456789";
/** Long enough for the simulator's 3 s transitions on a slow, shared machine. */
const SETTLE_MS = 30_000;

const skipped = await serverInChromiumMissing();
if (skipped) console.warn(`dashboard_browser_test.ts skipped: ${skipped}`);

Deno.test({
  name:
    "in Chromium at phone width a person signs in, stops and starts a machine, sees an error and signs out",
  ignore: skipped !== null,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = await serverInChromium(
      { API_KEY: KEY, DEMO: "true" },
      async ({ server, context }) => {
        // The 409 this test provokes is logged too; anything else (a CSP refusal, a script error) is a problem.
        const { page, problems } = await watchedPage(context, /status of 409/);

        // Sign in with the keyboard only.
        await page.goto(`${server.base}/`);
        const keyField = page.getByLabel("API key");
        await keyField.focus();
        await page.keyboard.type(KEY);
        await page.keyboard.press("Enter");
        await page.getByText("Signed in as default").waitFor();
        assertEquals(new URL(page.url()).pathname, "/");
        assertEquals(page.url().includes(KEY), false);
        assertEquals((await page.content()).includes(KEY), false);
        assertEquals(await page.evaluate("document.cookie"), "");
        // Chromium keeps the __Host- (Secure) cookie from http://127.0.0.1: a secure context.
        const cookies = await context.cookies();
        assertEquals(cookies.map(({ name }) => name), ["__Host-workwork_session"]);
        const [cookie] = cookies;
        assertEquals(cookie.httpOnly, true);
        assertEquals(cookie.secure, true);
        assertEquals(cookie.sameSite, "Strict");
        assertEquals(cookie.value.includes(KEY), false);

        // The list, per region, fits a 360 px screen.
        await page.getByRole("heading", { name: "us-west-2" }).waitFor();
        await page.getByRole("heading", { name: "eu-central-1" }).waitFor();
        assertEquals(await page.locator("li.instance").count(), 5);
        const overflow = Number(await page.evaluate("document.documentElement.scrollWidth"));
        assert(overflow <= 360, `the page is ${overflow} px wide`);
        const devBox = page.locator("li.instance", {
          has: page.getByRole("heading", { name: "dev-box" }),
        });
        assertEquals(await devBox.locator(".state-text").textContent(), "running");
        assertMatch((await devBox.locator(".addr").textContent())!, /^\d+\.\d+\.\d+\.\d+$/);

        // Copy puts the address on the clipboard and says so.
        await context.grantPermissions(["clipboard-read", "clipboard-write"], {
          origin: server.base,
        });
        const copyButton = page.getByRole("button", {
          name: "Copy the address of dev-box (us-west-2)",
        });
        await copyButton.click();
        await page.locator("#live", { hasText: "Address of dev-box (us-west-2) copied" }).waitFor();
        assertEquals(
          await page.evaluate("navigator.clipboard.readText()"),
          await devBox.locator(".addr").textContent(),
        );

        // Stop asks first; dismissing changes nothing.
        page.once("dialog", (dialog) => dialog.dismiss());
        await page.getByRole("button", { name: "Stop dev-box (us-west-2)", exact: true }).click();
        assertEquals(await devBox.locator(".state-text").textContent(), "running");

        // Stop, confirmed: the row follows the transition by itself, without a reload.
        await recordStates(page, (await devBox.getAttribute("data-id"))!);
        page.once("dialog", (dialog) => dialog.accept());
        await page.getByRole("button", { name: "Stop dev-box (us-west-2)", exact: true }).click();
        await devBox.getByText("dev-box (us-west-2) is stopped").waitFor({ timeout: SETTLE_MS });
        assertTransition(await recordedStates(page), "running", "stopping", "stopped");
        assertEquals(await devBox.locator(".addr").textContent(), "\u2014");
        assertEquals(
          await page.getByRole("button", { name: "Stop dev-box (us-west-2)", exact: true })
            .isDisabled(),
          true,
        );

        // Start, from the keyboard: no confirmation; it comes back running.
        await recordStates(page, (await devBox.getAttribute("data-id"))!);
        await page.getByRole("button", { name: "Start dev-box (us-west-2)" }).focus();
        await page.keyboard.press("Enter");
        await devBox.getByText("dev-box (us-west-2) is running").waitFor({ timeout: SETTLE_MS });
        assertTransition(await recordedStates(page), "stopped", "pending", "running");
        assertEquals(await devBox.locator(".uptime").textContent(), "under a minute");

        // An error in words next to the row: the page still shows "demo" running,
        // but someone else stopped it meanwhile, so EC2 refuses the reboot.
        const demo = page.locator("li.instance[data-region=us-west-2]", {
          has: page.getByRole("heading", { name: "demo" }),
        });
        const demoId = await demo.getAttribute("data-id");
        const stopped = await fetch(`${server.base}/instance/us-west-2/${demoId}/stop`, {
          method: "POST",
          headers: { "x-api-key": KEY },
        });
        assertEquals(stopped.status, 204);
        await waitForState(server.base, `us-west-2/${demoId}`, "stopped");
        page.once("dialog", (dialog) => dialog.accept());
        await demo.getByRole("button", { name: "Reboot demo (us-west-2)" }).click();
        const error = demo.locator(".message.error");
        await error.waitFor();
        assertStringIncludes(
          (await error.textContent())!,
          "Could not reboot demo (us-west-2): EC2 says: The instance",
        );
        assertStringIncludes(
          (await error.textContent())!,
          "not in a state from which it can be rebooted",
        );
        // The card then shows the state EC2 has now, and the error stays.
        await demo.locator('.state-text:text-is("stopped")').waitFor();
        assertEquals(await error.isVisible(), true);

        // Sign out: back to the form, the cookie gone.
        await page.getByRole("button", { name: "Sign out" }).click();
        await page.getByLabel("API key").waitFor();
        assertEquals(await context.cookies(), []);
        assertEquals(problems, []);
      },
    );
    for (const line of server.lines) assertEquals(line.includes(KEY), false, line);
    assert(
      server.lines.some((line) => line.includes('"method":"POST","path":"/session","status":303')),
      server.lines.join("\n"),
    );
  },
});

/** Starts recording, in the page, every state the instance's row shows. */
async function recordStates(page: Page, id: string): Promise<void> {
  await page.evaluate(`(() => {
    const text = document.querySelector('li.instance[data-id="${id}"] .state-text');
    window.seenStates = [text.textContent];
    window.stillThisPage = true;
    new MutationObserver(() => window.seenStates.push(text.textContent))
      .observe(text, { childList: true, characterData: true, subtree: true });
  })()`);
}

/** The states recorded since {@linkcode recordStates}, or null when the page was reloaded. */
async function recordedStates(page: Page): Promise<string[] | null> {
  return await page.evaluate("window.stillThisPage ? window.seenStates : null") as string[] | null;
}

/**
 * The row went from `from` to `to` in place, showing nothing but `between` on
 * the way (how long it showed `between`, if at all, depends on the machine's speed).
 */
function assertTransition(seen: string[] | null, from: string, between: string, to: string) {
  assert(seen !== null, "the page reloaded instead of refreshing the row");
  const states = seen.filter((state, i) => state !== seen[i - 1]);
  assertEquals(states[0], from, states.join(" → "));
  assertEquals(states.at(-1), to, states.join(" → "));
  assert(states.slice(1, -1).every((state) => state === between), states.join(" → "));
}

/** Polls the API (at most SETTLE_MS) until the instance reports `state`. */
async function waitForState(base: string, path: string, state: string): Promise<void> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const response = await fetch(`${base}/instance/${path}`, { headers: { "x-api-key": KEY } });
    const body = await response.json();
    if (body.state === state) return;
    if (Date.now() > deadline) throw new Error(`${path} stayed ${body.state}, never ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
