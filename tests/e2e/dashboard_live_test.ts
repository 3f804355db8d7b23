/**
 * The dashboard kept true in a real browser (Debian's headless Chromium,
 * driven by playwright-core), at phone and desktop width, against the app
 * served in this process so a test can slow its answers, hold one forever,
 * or revoke the key mid-session. The page's clock is playwright's: a test
 * jumps it forward instead of waiting out a timeout or the refresh interval.
 *
 * Needs /usr/bin/chromium and the permissions `deno task test:e2e` grants;
 * skipped with a message otherwise.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import axe from "axe-core";
import type { Locator, Page } from "playwright-core";
import { type Browser, chromiumMissing, launchChromium } from "./_chromium.ts";
import { type DashboardApp, serveDashboardApp } from "./_dashboard_app.ts";
import type { SimulatedInstanceSeed } from "../../src/simulator/ec2.ts";

const KEY = "live-test-key-0123456789";
const OTHER_KEY = "live-test-other-key-9876543210";
/** The demo's instances this file acts on. */
const DEMO = { region: "us-west-2", id: "i-0c3d4e5f607182930", label: "demo (us-west-2)" };
const DEV_BOX = { region: "us-west-2", id: "i-0a1b2c3d4e5f60718", label: "dev-box (us-west-2)" };
/** Stopped, and the one launched with hibernation. */
const GAME_SERVER = {
  region: "us-west-2",
  id: "i-0b2c3d4e5f6071829",
  label: "game-server (us-west-2)",
};
/** Long enough for the simulator's transitions and Chromium on a slow, shared machine. */
const SETTLE_MS = 30_000;
const WIDTHS = [
  { name: "phone", viewport: { width: 360, height: 780 } },
  { name: "desktop", viewport: { width: 1100, height: 800 } },
] as const;

const missing = await chromiumMissing();
if (missing) console.warn(`dashboard_live_test.ts skipped: ${missing}`);

/** Registers `fn` as one test at each of WIDTHS, named `at <width> width <title>`. */
function atEachWidth(
  title: string,
  fn: (width: typeof WIDTHS[number]) => Promise<void>,
): void {
  for (const width of WIDTHS) {
    Deno.test({
      name: `at ${width.name} width ${title}`,
      ignore: missing !== null,
      sanitizeResources: false,
      sanitizeOps: false,
      fn: () => fn(width),
    });
  }
}

interface Session {
  app: DashboardApp;
  browser: Browser;
  page: Page;
  /** Errors the page logged or threw, besides the refusals a test provokes. */
  problems: string[];
}

/** Serves the app, signs in at `viewport` with the page's clock installed, runs `body`, cleans up. */
async function signedIn(
  viewport: { width: number; height: number },
  body: (session: Session) => Promise<void>,
  options: { bypassCSP?: boolean; expectedErrors?: RegExp; extra?: SimulatedInstanceSeed[] } = {},
): Promise<void> {
  const app = await serveDashboardApp({ [KEY]: "tester" }, { extra: options.extra });
  const browser = await launchChromium({ viewport, bypassCSP: options.bypassCSP });
  try {
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      const expected = options.expectedErrors?.test(message.text()) ?? false;
      if (message.type() === "error" && !expected) problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    await page.clock.install();
    await page.goto(`${app.base}/`);
    await page.getByLabel("API key").fill(KEY);
    await page.getByLabel("API key").press("Enter");
    await page.getByText("Signed in as tester").waitFor();
    await body({ app, browser, page, problems });
    assertEquals(problems, []);
  } finally {
    await browser.close();
    await app.stop();
  }
}

function card(page: Page, instance: { id: string }): Locator {
  return page.locator(`li.instance[data-id="${instance.id}"]`);
}

/** The labels of the card's enabled action buttons, Stop's menu toggle included. */
async function offered(row: Locator): Promise<string[]> {
  return await row.locator(
    "button[data-action]:enabled:visible, button.more:enabled:visible",
  ).evaluateAll(
    (buttons) => buttons.map((button) => button.getAttribute("aria-label") ?? ""),
  );
}

/** Waits (at most SETTLE_MS) until the simulator reports `state` for the instance. */
async function ec2Reaches(app: DashboardApp, instance: typeof DEMO, state: string) {
  const deadline = Date.now() + SETTLE_MS;
  while (app.simulator.instance(instance.region, instance.id)?.state !== state) {
    if (Date.now() > deadline) throw new Error(`${instance.id} never reached ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Records, in the page, every action the card offers from now on while it says it is busy. */
async function watchOffers(page: Page, instance: { id: string }): Promise<void> {
  await page.evaluate(`(() => {
    const row = document.querySelector('li.instance[data-id="${instance.id}"]');
    window.offeredWhileBusy = [];
    const look = () => {
      if (row.dataset.busy !== "1") return;
      row.querySelectorAll("button[data-action], button.more").forEach((button) => {
        if (!button.disabled) window.offeredWhileBusy.push(button.getAttribute("aria-label"));
      });
    };
    new MutationObserver(look).observe(row, { attributes: true, subtree: true, childList: true });
  })()`);
}

/** Makes the page believe its tab was hidden or shown, as switching tabs does. */
async function setVisibility(page: Page, state: "hidden" | "visible"): Promise<void> {
  await page.evaluate(`(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "${state}" });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => ${
    state === "hidden"
  } });
    document.dispatchEvent(new Event("visibilitychange"));
  })()`);
}

async function apiStop(app: DashboardApp, instance: typeof DEMO): Promise<void> {
  const answer = await fetch(`${app.base}/instance/${instance.region}/${instance.id}/stop`, {
    method: "POST",
    headers: { "x-api-key": KEY },
  });
  assertEquals(answer.status, 204);
  await answer.body?.cancel();
}

atEachWidth(
  "an accepted Stop keeps the card busy through slow answers until EC2 reports stopped, focus on the card",
  ({ viewport }) =>
    signedIn(viewport, async ({ app, page }) => {
      const row = card(page, DEMO);
      assertMatch((await row.locator(".updated").textContent())!, /^updated \d\d:\d\d$/);
      await watchOffers(page, DEMO);
      // The stop itself is slow to answer; then every read is held back too.
      const releaseStop = app.hold(new RegExp(`^POST /instance/us-west-2/${DEMO.id}/stop`));
      const releaseReads = app.hold(new RegExp(`^GET /instance/us-west-2/${DEMO.id}$`));
      page.once("dialog", (dialog) => dialog.accept());
      await page.getByRole("button", { name: `Stop ${DEMO.label}`, exact: true }).focus();
      await page.keyboard.press("Enter");
      await row.getByText(`Stopping ${DEMO.label}\u2026`).waitFor();
      assertEquals(await offered(row), []);
      assertEquals(await focusedCard(page), DEMO.id);
      releaseStop();
      await row.getByText(`EC2 accepted: waiting for ${DEMO.label} to be stopped\u2026`)
        .waitFor();
      // EC2 is stopped now, but the page has not read it: still nothing offered.
      await ec2Reaches(app, DEMO, "stopped");
      assertEquals(await offered(row), []);
      assertEquals(await row.locator(".state-text").textContent(), "running");
      releaseReads();
      await row.getByText(`${DEMO.label} is stopped`).waitFor({ timeout: SETTLE_MS });
      assertEquals(await offered(row), [`Start ${DEMO.label}`]);
      assertEquals(await page.evaluate("window.offeredWhileBusy"), []);
      // Focus came back from the card to its one action.
      assertEquals(
        await page.evaluate("document.activeElement.getAttribute('aria-label')"),
        `Start ${DEMO.label}`,
      );
      // The summary and the title count it.
      await page.locator("#summary", { hasText: "2 running \u00b7 3 stopped" }).waitFor();
      assertEquals(await page.title(), "workwork: 2 running, 3 stopped");
      // "is stopped" stops being true when it starts elsewhere: the next refresh clears it.
      const started = await fetch(`${app.base}/instance/us-west-2/${DEMO.id}/start`, {
        method: "POST",
        headers: { "x-api-key": KEY },
      });
      assertEquals(started.status, 204);
      await ec2Reaches(app, DEMO, "running");
      await page.clock.fastForward("00:31");
      await row.locator('.state-text:text-is("running")').waitFor();
      assertEquals(await row.locator(".message").textContent(), "");
    }),
);

atEachWidth(
  "a Stop that never gets an answer is given up after 20 s with a message, which goes when it stops being true",
  ({ viewport }) =>
    signedIn(viewport, async ({ app, page }) => {
      const row = card(page, DEV_BOX);
      const release = app.hold(new RegExp(`^POST /instance/us-west-2/${DEV_BOX.id}/stop`));
      page.once("dialog", (dialog) => dialog.accept());
      await row.getByRole("button", { name: `Stop ${DEV_BOX.label}`, exact: true }).click();
      await row.getByText(`Stopping ${DEV_BOX.label}\u2026`).waitFor();
      await page.clock.fastForward("00:21");
      const message = row.locator(".message.error");
      await message.waitFor();
      assertEquals(
        await message.textContent(),
        `Could not stop ${DEV_BOX.label}: the server did not answer within 20 s. It may not have happened: the card shows what EC2 reports; try again if it is still needed`,
      );
      // EC2 never got it: the card shows running, and offers Stop again.
      assertEquals(await row.locator(".state-text").textContent(), "running");
      assertEquals(await offered(row), [
        `Stop ${DEV_BOX.label}`,
        `More ways to stop ${DEV_BOX.label}`,
        `Reboot ${DEV_BOX.label}`,
      ]);
      // The held request goes through after all: the next refresh shows it, and the
      // message, no longer true, goes.
      release();
      await ec2Reaches(app, DEV_BOX, "stopped");
      await page.clock.fastForward("00:31");
      await row.locator('.state-text:text-is("stopped")').waitFor();
      assertEquals(await row.locator(".message").textContent(), "");
    }, { expectedErrors: /ERR_ABORTED|aborted/i }),
);

atEachWidth(
  "an accepted Reboot shows a notice, offering nothing, that clears itself after a minute",
  ({ viewport }) =>
    signedIn(viewport, async ({ page }) => {
      const row = card(page, DEMO);
      page.once("dialog", (dialog) => dialog.accept());
      await row.getByRole("button", { name: `Reboot ${DEMO.label}` }).click();
      await row.locator(".message", { hasText: `${DEMO.label} is rebooting (since ` }).waitFor();
      assertEquals(await offered(row), []);
      await page.clock.fastForward("01:01");
      await row.locator(".message", { hasText: "rebooting" }).waitFor({ state: "hidden" });
      assertEquals(await row.locator(".message").textContent(), "");
      await row.getByRole("button", { name: `Reboot ${DEMO.label}` }).and(
        page.locator(":enabled"),
      )
        .waitFor();
      assertEquals(await offered(row), [
        `Stop ${DEMO.label}`,
        `More ways to stop ${DEMO.label}`,
        `Reboot ${DEMO.label}`,
      ]);
    }),
);

atEachWidth(
  "every card refreshes every 30 s while the tab is visible, and when it comes back",
  ({ viewport }) =>
    signedIn(viewport, async ({ app, page }) => {
      const row = card(page, DEV_BOX);
      // The page's time stands still but for the jumps below: "updated HH:MM" is then exact.
      await page.clock.pauseAt(Number(await page.evaluate("Date.now()")) + 1000);
      assertEquals(await page.locator("#summary").textContent(), "3 running \u00b7 2 stopped");
      assertEquals(await page.title(), "workwork: 3 running, 2 stopped");
      const before = await row.locator(".updated").textContent();
      // Stopped behind the page's back: the page shows it at the next refresh.
      await apiStop(app, DEV_BOX);
      await ec2Reaches(app, DEV_BOX, "stopped");
      await page.clock.fastForward("10:00");
      await row.locator('.state-text:text-is("stopped")').waitFor();
      assertEquals(
        await row.locator(".updated").textContent(),
        `updated ${await pageTime(page)}`,
      );
      assert(before !== await row.locator(".updated").textContent(), "the time moved on");
      await page.locator("#summary", { hasText: "2 running \u00b7 3 stopped" }).waitFor();
      assertEquals(await page.title(), "workwork: 2 running, 3 stopped");
      assertEquals(await offered(row), [`Start ${DEV_BOX.label}`]);

      // Hidden, it reads nothing, however long.
      await setVisibility(page, "hidden");
      await apiStop(app, DEMO);
      await ec2Reaches(app, DEMO, "stopped");
      const reads = app.requests.length;
      await page.clock.fastForward("10:00");
      await page.clock.fastForward("10:00");
      assertEquals(app.requests.slice(reads), []);
      assertEquals(await card(page, DEMO).locator(".state-text").textContent(), "running");
      // Shown again, it reads at once.
      await setVisibility(page, "visible");
      await card(page, DEMO).locator('.state-text:text-is("stopped")').waitFor();
      // One page of each region: the one page each has (bounded, however large).
      assertEquals(app.requests.slice(reads).sort(), [
        "GET /instance/eu-central-1?limit=50",
        "GET /instance/us-west-2?limit=50",
      ]);
      await page.locator("#summary", { hasText: "1 running \u00b7 4 stopped" }).waitFor();
      // One launched since: counted under its region, the cards left as the server drew them.
      app.simulator.add({
        id: "i-0f0000000000000aa",
        region: "us-west-2",
        type: "t3.micro",
        state: "running",
        tags: { Name: "new-box" },
      });
      await page.clock.fastForward("00:31");
      await page.locator('section[data-region="us-west-2"] .note', {
        hasText: "1 more in us-west-2 since the page loaded: reload to see them",
      }).waitFor();
      assertEquals(await page.locator("li.instance").count(), 5);
    }),
);

atEachWidth(
  "a key revoked mid-session takes every action away and offers to sign in again",
  ({ name, viewport }) =>
    signedIn(viewport, async ({ app, page }) => {
      const row = card(page, DEMO);
      await app.setKeys({ [OTHER_KEY]: "someone else" });
      if (name === "phone") {
        // Found by the refresh.
        await page.clock.fastForward("00:31");
      } else {
        // Found by an action.
        page.once("dialog", (dialog) => dialog.accept());
        await row.getByRole("button", { name: `Stop ${DEMO.label}`, exact: true }).click();
        await row.getByText(`Could not stop ${DEMO.label}: your key is no longer accepted`)
          .waitFor();
      }
      const notice = page.getByRole("alert").filter({
        hasText: "Your key is no longer accepted",
      });
      await notice.waitFor();
      assertEquals(
        await page.locator("button[data-action]:enabled, button.more:enabled").count(),
        0,
      );
      assertEquals(app.simulator.instance(DEMO.region, DEMO.id)?.state, "running");
      await notice.getByRole("link", { name: "Sign in again" }).click();
      // The key went, so did the session its cookie held.
      await page.getByText("Your session has ended: sign in again").waitFor();
      await page.getByLabel("API key").waitFor();
    }, { expectedErrors: /status of 401/ }),
);

atEachWidth(
  "hibernate and force stop sit behind the Stop button's menu",
  ({ viewport }) =>
    signedIn(viewport, async ({ app, page }) => {
      const row = card(page, DEMO);
      const toggle = row.getByRole("button", { name: `More ways to stop ${DEMO.label}` });
      const hibernate = row.getByRole("button", { name: `Hibernate ${DEMO.label}` });
      assertEquals(await hibernate.isVisible(), false);
      // From the keyboard: open, close with Escape, focus back on the toggle.
      await toggle.focus();
      await page.keyboard.press("Enter");
      await hibernate.waitFor();
      assertEquals(await toggle.getAttribute("aria-expanded"), "true");
      await page.keyboard.press("Escape");
      await hibernate.waitFor({ state: "hidden" });
      assertEquals(await toggle.getAttribute("aria-expanded"), "false");
      assertEquals(
        await page.evaluate("document.activeElement.getAttribute('aria-label')"),
        `More ways to stop ${DEMO.label}`,
      );
      // Hibernate: asked first, with what it means; sent as the API's option. EC2
      // refuses it for demo, launched without hibernation, and the card says so.
      await toggle.click();
      const asked = new Promise<string>((resolve) =>
        page.once("dialog", (dialog) => {
          resolve(dialog.message());
          dialog.accept();
        })
      );
      await hibernate.click();
      assertStringIncludes(await asked, `Hibernate ${DEMO.label}, ${DEMO.id}?`);
      assertStringIncludes(await asked, "memory is saved");
      const refusal = row.locator(".message.error");
      await refusal.waitFor();
      assertStringIncludes(
        (await refusal.textContent())!,
        `Could not hibernate ${DEMO.label}: EC2 says: The instance ${DEMO.id} does not have hibernation configured`,
      );
      assertEquals(await row.locator(".state-text").textContent(), "running");
      assertEquals(await hibernate.isVisible(), false);
      // game-server was: started, it hibernates.
      const game = card(page, GAME_SERVER);
      await game.getByRole("button", { name: `Start ${GAME_SERVER.label}` }).click();
      await game.getByText(`${GAME_SERVER.label} is running`).waitFor({ timeout: SETTLE_MS });
      await game.getByRole("button", { name: `More ways to stop ${GAME_SERVER.label}` }).click();
      page.once("dialog", (dialog) => dialog.accept());
      await game.getByRole("button", { name: `Hibernate ${GAME_SERVER.label}` }).click();
      await game.getByText(`${GAME_SERVER.label} is stopped`).waitFor({ timeout: SETTLE_MS });
      const stops = app.simulator.calls.filter(({ action }) => action === "StopInstances");
      assertEquals(stops.map(({ params }) => params.Hibernate), ["true", "true"]);

      // Force stop on another card.
      const devBox = card(page, DEV_BOX);
      await devBox.getByRole("button", { name: `More ways to stop ${DEV_BOX.label}` }).click();
      page.once("dialog", (dialog) => dialog.accept());
      await devBox.getByRole("button", { name: `Force stop ${DEV_BOX.label}` }).click();
      await devBox.getByText(`${DEV_BOX.label} is stopped`).waitFor({ timeout: SETTLE_MS });
      const forced = app.simulator.calls.filter(({ action }) => action === "StopInstances");
      assertEquals(forced.map(({ params }) => params.Force ?? null), [null, null, "true"]);
    }, { expectedErrors: /status of 409/ }),
);

/** `count` instances in us-west-2 besides the demo's, box-000 …: a region of more than a page. */
function fleet(count: number): SimulatedInstanceSeed[] {
  return Array.from({ length: count }, (_, n) => ({
    id: `i-0f${n.toString(16).padStart(15, "0")}`,
    region: "us-west-2",
    type: "t3.micro",
    state: n % 2 ? "stopped" : "running",
    tags: { Name: `box-${String(n).padStart(3, "0")}`, team: n % 5 ? "web" : "data" },
  }));
}

/** The page's own reading of an ISO time as HH:MM in its zone. */
async function pageHhmm(page: Page, iso: string): Promise<string> {
  return await page.evaluate(
    `(() => { const d = new Date(${
      JSON.stringify(iso)
    }); return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0'); })()`,
  );
}

atEachWidth(
  "Keep 1 h holds a running box (busy meanwhile, focus kept), Release lets it go; a hung hold times out",
  ({ viewport }) =>
    signedIn(viewport, async ({ app, page }) => {
      const row = card(page, DEMO);
      const keep = row.getByRole("button", { name: `Keep 1 h: ${DEMO.label}` });
      const release = row.getByRole("button", { name: `Release the hold on ${DEMO.label}` });
      assertEquals(await release.isVisible(), false);
      assertEquals(await row.locator(".held").isVisible(), false);
      // Stopped boxes are not kept: their Keep buttons are off.
      assertEquals(
        await card(page, GAME_SERVER).getByRole("button", {
          name: `Keep 4 h: ${GAME_SERVER.label}`,
        }).isDisabled(),
        true,
      );
      const releaseHold = app.hold(new RegExp(`^POST /instance/us-west-2/${DEMO.id}/hold`));
      await keep.focus();
      await page.keyboard.press("Enter");
      await row.getByText(`Keeping ${DEMO.label}\u2026`).waitFor();
      assertEquals(await offered(row), []);
      assertEquals(await keep.isDisabled(), true);
      assertEquals(await focusedCard(page), DEMO.id);
      releaseHold();
      await row.locator(".held", { hasText: "Kept until" }).waitFor();
      const tag = app.simulator.instance(DEMO.region, DEMO.id)!.tags["workwork:hold_until"];
      assert(tag, "the hold is a tag on the instance");
      // An hour from now, give or take the request.
      const ahead = Date.parse(tag) - Date.now();
      assert(ahead > 55 * 60_000 && ahead <= 60 * 60_000, `${ahead} ms ahead`);
      const hhmm = await pageHhmm(page, tag);
      assertEquals(await row.locator(".held").textContent(), `Kept until ${hhmm}`);
      assertEquals(
        await row.locator(".message").textContent(),
        `${DEMO.label} is kept until ${hhmm}`,
      );
      await release.waitFor();
      assertEquals(await focusedCard(page), DEMO.id);

      await release.click();
      await row.getByText(`The hold on ${DEMO.label} is released`).waitFor();
      assertEquals(
        app.simulator.instance(DEMO.region, DEMO.id)!.tags["workwork:hold_until"],
        undefined,
      );
      assertEquals(await row.locator(".held").isVisible(), false);
      assertEquals(await release.isVisible(), false);

      // A hold that never gets an answer: given up after 20 s, saying so.
      app.hold(new RegExp(`^POST /instance/us-west-2/${DEV_BOX.id}/hold`));
      const devBox = card(page, DEV_BOX);
      await devBox.getByRole("button", { name: `Keep 4 h: ${DEV_BOX.label}` }).click();
      await devBox.getByText(`Keeping ${DEV_BOX.label}\u2026`).waitFor();
      await page.clock.fastForward("00:21");
      await devBox.locator(".message.error", {
        hasText: `Could not keep ${DEV_BOX.label} for 4 h: the server did not answer within 20 s`,
      }).waitFor();
      assertEquals(
        await devBox.getByRole("button", { name: `Keep 4 h: ${DEV_BOX.label}` })
          .isEnabled(),
        true,
      );
    }, { expectedErrors: /ERR_ABORTED|aborted/i }),
);

atEachWidth(
  `after a Stop the card says who stopped it and when, and keeps "ago" true`,
  ({ viewport }) =>
    signedIn(viewport, async ({ app, page }) => {
      const row = card(page, DEV_BOX);
      assertEquals(await row.locator(".last").isVisible(), false);
      page.once("dialog", (dialog) => dialog.accept());
      await row.getByRole("button", { name: `Stop ${DEV_BOX.label}`, exact: true }).click();
      await row.getByText(`${DEV_BOX.label} is stopped`).waitFor({ timeout: SETTLE_MS });
      assertEquals(await row.locator(".last").textContent(), "stopped by key tester, just now");
      assertStringIncludes(
        app.simulator.instance(DEV_BOX.region, DEV_BOX.id)!.tags["workwork:last_change"],
        "stop by key tester",
      );
      // Two hours on (the page's clock), the line says so.
      await page.clock.fastForward("02:00:00");
      await row.locator(".last", { hasText: "stopped by key tester, 2 h ago" }).waitFor();
    }),
);

atEachWidth(
  "a region of more than a page shows 50 cards, and Show more appends the rest, which act like the others",
  ({ viewport }) =>
    signedIn(viewport, async ({ app, page }) => {
      const west = page.locator('section[data-region="us-west-2"]');
      assertEquals(await west.locator("li.instance").count(), 50);
      const more = page.getByRole("button", { name: "Show more instances in us-west-2" });
      // eu-central-1 fits in one page: no Show more there.
      assertEquals(
        await page.locator('section[data-region="eu-central-1"] .show-more').isVisible(),
        false,
      );
      await more.click();
      await west.locator(".note", { hasText: "23 more loaded in us-west-2: that is all of them" })
        .waitFor();
      assertEquals(await west.locator("li.instance").count(), 73);
      assertEquals(await more.isVisible(), false);
      // The focus went to the first card added.
      assertEquals(await focusedCard(page) !== null, true);
      const shown = await west.locator("li.instance").evaluateAll((rows) =>
        rows.map((row) => row.getAttribute("data-id"))
      );
      assertEquals(new Set(shown).size, 73);
      // A card loaded by Show more acts like the page's own: stopped, busy, confirmed.
      const lastId = shown.at(-1)!;
      const late = page.locator(`li.instance[data-id="${lastId}"]`);
      const lateLabel = (await late.getAttribute("data-label"))!;
      const running = (await late.getAttribute("data-state")) === "running";
      page.once("dialog", (dialog) => dialog.accept());
      await late.getByRole("button", {
        name: `${running ? "Stop" : "Start"} ${lateLabel}`,
        exact: true,
      })
        .click();
      await late.getByText(`${lateLabel} is ${running ? "stopped" : "running"}`).waitFor({
        timeout: SETTLE_MS,
      });
      assertEquals(await late.locator(".updated").isVisible(), true);
      // The refresh reads the two pages loaded, and marks none of them gone.
      const reads = app.requests.length;
      await page.clock.fastForward("00:31");
      await page.waitForFunction(
        "document.querySelectorAll('li.instance .updated').length > 0",
      );
      const deadline = Date.now() + SETTLE_MS;
      while (
        app.requests.slice(reads).filter((line) => line.startsWith("GET /instance/us-west-2?"))
          .length < 2
      ) {
        if (Date.now() > deadline) throw new Error("the refresh never read both pages");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const pages = app.requests.slice(reads).filter((line) =>
        line.startsWith("GET /instance/us-west-2?")
      );
      assertMatch(pages[0], /^GET \/instance\/us-west-2\?limit=50(&next_token=.+)?$/);
      assertEquals(pages.filter((line) => line.includes("next_token=")).length, 1);
      assertEquals(await page.locator('.state-text:text-is("gone")').count(), 0);
    }, { extra: fleet(70) }),
);

atEachWidth(
  "the filter shows the loaded cards matching a name, a state or a tag",
  ({ viewport }) =>
    signedIn(viewport, async ({ page }) => {
      const box = page.getByRole("searchbox", { name: "Filter" });
      const visible = () =>
        page.locator("li.instance:visible").evaluateAll((rows) =>
          rows.map((row) => row.getAttribute("data-label") ?? "").sort()
        );
      const note = page.locator("#filter-note");
      await box.fill("stopped");
      assertEquals(await visible(), ["build-runner (eu-central-1)", GAME_SERVER.label]);
      assertEquals(await note.textContent(), "2 of the 5 cards loaded match.");
      await box.fill("team=ci");
      assertEquals(await visible(), ["build-runner (eu-central-1)"]);
      // Case aside.
      await box.fill("BUILD");
      assertEquals(await visible(), ["build-runner (eu-central-1)"]);
      await box.fill("demo running eu");
      assertEquals(await visible(), ["demo (eu-central-1)"]);
      await box.fill("");
      assertEquals((await visible()).length, 5);
      assertStringIncludes((await note.textContent())!, "Filters the cards loaded on this page");
      // The summary still counts every card loaded.
      assertEquals(await page.locator("#summary").textContent(), "3 running \u00b7 2 stopped");
    }),
);

for (const colorScheme of ["light", "dark"] as const) {
  atEachWidth(
    `in ${colorScheme} mode axe-core finds no violation on the sign-in page or the list (held, Show more, filtered); targets are 44 px`,
    async ({ viewport }) => {
      // More than a page in us-west-2 (Show more), and demo held (its line and Release).
      const app = await serveDashboardApp({ [KEY]: "tester" }, { extra: fleet(50) });
      const held = await fetch(`${app.base}/instance/${DEMO.region}/${DEMO.id}/hold`, {
        method: "POST",
        headers: { "x-api-key": KEY, "content-type": "application/json" },
        body: JSON.stringify({ hours: 4 }),
      });
      assertEquals(held.status, 200);
      await held.body?.cancel();
      const browser = await launchChromium({ viewport, bypassCSP: true });
      try {
        const page = browser.context.pages()[0] ?? await browser.context.newPage();
        await page.emulateMedia({ colorScheme });
        await page.goto(`${app.base}/`);
        assertEquals(await violations(page), [], "sign-in page");
        // A refused key: the form with its notice.
        await page.getByLabel("API key").fill("not-the-key-0123456789");
        await page.getByLabel("API key").press("Enter");
        await page.getByText("That key is not valid").waitFor();
        assertEquals(await violations(page), [], "sign-in page with a notice");
        await page.getByLabel("API key").fill(KEY);
        await page.getByLabel("API key").press("Enter");
        await page.getByText("Signed in as tester").waitFor();
        await card(page, DEMO).getByRole("button", { name: `More ways to stop ${DEMO.label}` })
          .click();
        await card(page, DEMO).getByRole("button", { name: `Release the hold on ${DEMO.label}` })
          .waitFor();
        await page.getByRole("button", { name: "Show more instances in us-west-2" }).waitFor();
        assertEquals(await violations(page), [], "the list, a Stop menu open");
        await page.getByRole("searchbox", { name: "Filter" }).fill("box-0");
        assertEquals(await violations(page), [], "the list, filtered");
        assertEquals(await smallTargets(page), []);
        const labels = await page.locator("button, a").evaluateAll((elements) =>
          elements.map((element) => element.getAttribute("aria-label") ?? element.textContent)
        );
        assertEquals(labels.length, new Set(labels).size, "every control's name is unique");
      } finally {
        await browser.close();
        await app.stop();
      }
    },
  );
}

Deno.test({
  name: "Chromium reads the web app manifest without an error, with its icon and theme colour",
  ignore: missing !== null,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const app = await serveDashboardApp({ [KEY]: "tester" });
    const browser = await launchChromium();
    try {
      const page = browser.context.pages()[0] ?? await browser.context.newPage();
      await page.goto(`${app.base}/`);
      const cdp = await browser.context.newCDPSession(page);
      const manifest = await cdp.send("Page.getAppManifest") as {
        url: string;
        errors: { message: string }[];
        data: string;
      };
      assertEquals(manifest.url, `${app.base}/manifest.webmanifest`);
      assertEquals(manifest.errors, []);
      const data = JSON.parse(manifest.data);
      assertEquals(data.display, "standalone");
      const icon = await page.request.get(new URL(data.icons[0].src, app.base).href);
      assertEquals(icon.headers()["content-type"], "image/svg+xml");
      // The icon renders: an image of it has its size.
      await page.goto(new URL(data.icons[0].src, app.base).href);
      const size = await page.evaluate(
        "(() => { const svg = document.querySelector('svg'); return svg.viewBox.baseVal.width; })()",
      );
      assertEquals(size, 512);
      assertMatch(data.theme_color, /^#[0-9a-f]{6}$/);
      // Chromium decodes each PNG at its stated size.
      await page.goto(`${app.base}/`);
      for (const icon of data.icons.filter((icon: { type: string }) => icon.type === "image/png")) {
        const size = await page.evaluate(`new Promise((resolve, reject) => {
          const image = new Image();
          image.onload = () => resolve(image.naturalWidth + "x" + image.naturalHeight);
          image.onerror = () => reject(new Error("not an image"));
          image.src = ${JSON.stringify(icon.src)};
        })`);
        assertEquals(size, icon.sizes);
      }
    } finally {
      await browser.close();
      await app.stop();
    }
  },
});

/** axe-core's violations on the page as it is, each as `rule: the elements`. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: (axe as unknown as { source: string }).source });
  return await page.evaluate(`axe.run(document, { resultTypes: ["violations"] }).then((r) =>
    r.violations.map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", ")))`);
}

/** The visible controls smaller than 44 × 44 px, by name and size. */
async function smallTargets(page: Page): Promise<string[]> {
  return await page.locator("button, a, input").evaluateAll((elements) =>
    elements.flatMap((element) => {
      const { width, height } = element.getBoundingClientRect();
      if (width === 0 && height === 0) return [];
      if (width >= 44 && height >= 44) return [];
      return [`${element.getAttribute("aria-label") ?? element.textContent}: ${width}×${height}`];
    })
  );
}

/** The page's own clock as HH:MM. */
async function pageTime(page: Page): Promise<string> {
  return await page.evaluate(
    "(() => { const d = new Date(); return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0'); })()",
  );
}

/** The id of the card the focus is in, or null. */
async function focusedCard(page: Page): Promise<string | null> {
  return await page.evaluate(
    "(() => { const row = document.activeElement && document.activeElement.closest('li.instance'); return row ? row.dataset.id : null; })()",
  );
}
