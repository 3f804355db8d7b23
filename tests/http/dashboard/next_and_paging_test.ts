import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { agoText, holdText, lastChangeText, nextText } from "../../../src/http/dashboard/page.ts";
import {
  API_KEY,
  errorOf,
  KEYED,
  REGION,
  RUNNING_ID,
  STOPPED_ID,
  T0,
  testService,
} from "../../_helpers.ts";
import { DASHBOARD_SCRIPT } from "../../../src/http/dashboard/script.ts";
import type { SimulatedInstanceSeed } from "../../../src/simulator/ec2.ts";

const SITE = "https://workwork.example";
const SIGNED_IN = { cookie: `api_key=${API_KEY}` };

async function page(
  app: { request: (u: string, i?: RequestInit) => Response | Promise<Response> },
) {
  return await (await app.request(`${SITE}/`, { headers: SIGNED_IN })).text();
}

/** The card of `id` in `text`: from its `<li` to its `</li>`. */
function cardOf(text: string, id: string): string {
  const start = text.indexOf(`data-id="${id}"`);
  assert(start >= 0, `no card for ${id}`);
  return text.slice(start, text.indexOf("</li>", start));
}

Deno.test("the card's lines: what happens next, a hold, the last change, in words", () => {
  assertEquals(
    nextText({
      action: "stop",
      at: "2026-11-26T18:30:00.000Z",
      rule: "max_runtime",
      reason: "ran 4 h, over 4h",
    }),
    "Stops at 18:30 UTC: ran 4 h, over 4h",
  );
  assertEquals(nextText(null), "");
  assertEquals(holdText("2026-11-26T15:10:00.000Z"), "Kept until 15:10 UTC");
  assertEquals(holdText(null), "");
  const now = new Date(T0);
  const at = new Date(T0 - 2 * 3600_000 - 59_000).toISOString();
  assertEquals(
    lastChangeText({ by: "key ci", action: "stop", at }, now),
    "stopped by key ci, 2 h ago",
  );
  assertEquals(lastChangeText(null, now), "");
  assertEquals([agoText(30), agoText(90), agoText(3 * 86400)], [
    "just now",
    "1 min ago",
    "3 d ago",
  ]);
});

Deno.test("a stop and a hold made through the API show on the cards, with Keep and Release", async () => {
  const { app } = await testService({
    regions: [REGION],
    sweep: { regions: [REGION], maxRuntimeMs: 4 * 3600_000 },
  });
  const before = cardOf(await page(app), RUNNING_ID);
  assertMatch(before, /<p class="next">Stops at 15:00 UTC: ran 4h, over MAX_RUNTIME of 4h<\/p>/);
  assertMatch(before, /<p class="held" hidden><\/p>/);
  assertMatch(before, /<p class="last" hidden><\/p>/);
  assertMatch(before, /aria-label="Keep 1 h: dev-box \(us-west-2\)"\s*>Keep 1 h</);
  assertMatch(before, /aria-label="Keep 4 h: dev-box \(us-west-2\)"\s*>Keep 4 h</);
  assertMatch(before, /aria-label="Release the hold on dev-box \(us-west-2\)"\s*hidden>Release/);

  const held = await app.request(`/instance/${REGION}/${RUNNING_ID}/hold`, {
    method: "POST",
    headers: { ...KEYED, "content-type": "application/json" },
    body: JSON.stringify({ hours: 4 }),
  });
  assertEquals(held.status, 200);
  const stopped = await app.request(`/instance/${REGION}/${STOPPED_ID}/start`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(stopped.status, 204);
  const text = await page(app);
  const kept = cardOf(text, RUNNING_ID);
  assertStringIncludes(kept, '<p class="held">Kept until 16:00 UTC</p>');
  assertStringIncludes(kept, 'data-hold-until="2026-11-26T16:00:00.000Z"');
  assertMatch(kept, /aria-label="Release the hold on dev-box \(us-west-2\)"\s*>Release/);
  assertStringIncludes(
    cardOf(text, STOPPED_ID),
    '<p class="last">started by key default, just now</p>',
  );
});

Deno.test("a key that may not keep instances gets no Keep or Release", async () => {
  const { app } = await testService({
    keys: {
      "reader-key-0123456789": { name: "reader", scope: { actions: new Set(["read"] as const) } },
    },
  });
  const text = await (await app.request(`${SITE}/`, {
    headers: { cookie: "api_key=reader-key-0123456789" },
  })).text();
  assertEquals(text.includes("data-hold="), false);
  assertEquals(text.includes("data-release="), false);
});

/** `count` running instances in `REGION`, named box-000 … */
function fleet(count: number): SimulatedInstanceSeed[] {
  return Array.from({ length: count }, (_, n) => ({
    id: `i-0${n.toString(16).padStart(16, "0")}`,
    region: REGION,
    type: "t3.micro",
    state: n % 3 ? "running" : "stopped",
    tags: { Name: `box-${String(n).padStart(3, "0")}`, team: n % 2 ? "odd" : "even" },
  }));
}

Deno.test("a region of more than a page: the first 50 cards, then Show more's pages of cards", async () => {
  const { app } = await testService({ instances: fleet(120), regions: [REGION] });
  const first = await page(app);
  assertEquals(first.match(/<li class="instance"/g)?.length, 50);
  const token = first.match(
    /data-region="us-west-2"\s*data-first="" data-pages=""\s*data-next-token="([^"]+)"/,
  )
    ?.[1];
  assert(token, "the section carries the next page's token");
  assertMatch(first, /aria-label="Show more instances in us-west-2">Show more/);
  assertStringIncludes(first, 'data-tags="Name=box-');

  const seen = new Set(first.match(/data-id="i-[0-9a-f]+"/g));
  let next: string = token;
  let pages = 0;
  while (next) {
    const answer = await app.request(`${SITE}/?region=${REGION}&next_token=${next}&cards=1`, {
      headers: SIGNED_IN,
    });
    assertEquals(answer.status, 200);
    assertEquals(answer.headers.get("content-type"), "text/html; charset=UTF-8");
    const text = await answer.text();
    for (const id of text.match(/data-id="i-[0-9a-f]+"/g) ?? []) seen.add(id);
    next = text.match(/^<ul class="instances" data-next-token="([^"]*)"/)?.[1] ?? "";
    assertStringIncludes(text, 'data-action="stop"');
    pages++;
  }
  assertEquals([pages, seen.size], [2, 120]);
});

Deno.test("a next page on its own: one region from its token, server-rendered, refreshed from there", async () => {
  const { app } = await testService({ instances: fleet(60), regions: [REGION, "eu-central-1"] });
  const token = (await page(app)).match(/data-next-token="([^"]+)"/)![1];
  const answer = await app.request(`${SITE}/?region=${REGION}&next_token=${token}`, {
    headers: SIGNED_IN,
  });
  assertEquals(answer.status, 200);
  const text = await answer.text();
  assertEquals(text.match(/<li class="instance"/g)?.length, 10);
  assertEquals(text.includes('data-region="eu-central-1"'), false);
  // The script's refresh starts from the page's own token, not the region's first page.
  assertStringIncludes(text, `data-first="${token}"`);
  assertStringIncludes(text, "<script nonce=");
});

Deno.test("a page of cards answers JSON errors: no token, a bad token, a region not listed", async () => {
  const { app } = await testService({ instances: fleet(60), regions: [REGION] });
  const noToken = await app.request(`${SITE}/?region=${REGION}&cards=1`, { headers: SIGNED_IN });
  assertEquals([noToken.status, (await errorOf(noToken)).id], [422, "next_token"]);
  const bad = await app.request(`${SITE}/?region=${REGION}&next_token=not-one-of-ours&cards=1`, {
    headers: SIGNED_IN,
  });
  assertEquals([bad.status, (await errorOf(bad)).id], [422, "next_token"]);
  const elsewhere = await app.request(`${SITE}/?region=ap-south-1&next_token=abc&cards=1`, {
    headers: SIGNED_IN,
  });
  assertEquals([elsewhere.status, (await errorOf(elsewhere)).id], [404, "region"]);
  // Without a session it is the sign-in form, as for the page.
  const none = await app.request(`${SITE}/?region=${REGION}&next_token=abc&cards=1`);
  assertStringIncludes(await none.text(), 'name="api_key"');
});

Deno.test("the page's script parses as the browser will read it", () => {
  // A template-literal escape gone wrong (a raw newline in a string) breaks the whole page.
  new Function(DASHBOARD_SCRIPT);
});
