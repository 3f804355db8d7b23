import { assertEquals } from "@std/assert";
import { notificationText } from "../../src/domain/notify.ts";
import { errorOf, KEYED, REGION, RUNNING_ID, testService } from "../_helpers.ts";

function recordingWebhook(answer: () => Response | Promise<Response>) {
  const received: { url: string; type: string | null; body: Record<string, unknown> }[] = [];
  async function webhook(request: Request): Promise<Response> {
    received.push({
      url: request.url,
      type: request.headers.get("content-type"),
      body: await request.json(),
    });
    return answer();
  }
  return { received, webhook };
}

Deno.test("a state change through the API is posted to the webhook for Slack and Discord", async () => {
  const { received, webhook } = recordingWebhook(() => new Response("ok"));
  const { app, notifier } = await testService({ webhook });
  const response = await app.request(`/instance/${REGION}/${RUNNING_ID}/stop?hibernate=false`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(response.status, 204);
  await notifier.settled();
  assertEquals(received.length, 1);
  assertEquals(received[0].type, "application/json");
  const text = `workwork: stopped ${RUNNING_ID} (${REGION}), by key default`;
  // Slack reads `text`, Discord reads `content`.
  assertEquals(received[0].body, { text, content: text });
});

Deno.test("a failing webhook is logged and never fails the request", async () => {
  for (
    const answer of [
      () => new Response("no_service", { status: 404 }),
      () => Promise.reject(new TypeError("connection refused")),
    ]
  ) {
    const { webhook } = recordingWebhook(answer);
    const { app, notifier, lines } = await testService({ webhook });
    const response = await app.request(`/instance/${REGION}/${RUNNING_ID}/reboot`, {
      method: "POST",
      headers: KEYED,
    });
    assertEquals(response.status, 204);
    await notifier.settled();
    const logged = lines.filter((line) => line.startsWith("notify:"));
    assertEquals(logged.length, 1);
    assertEquals(logged.some((line) => line.includes("hooks.example.com")), false);
  }
});

Deno.test("a change whose start_time tag then fails is still posted: it happened", async () => {
  const { received, webhook } = recordingWebhook(() => new Response("ok"));
  const { app, notifier, simulator } = await testService({ webhook });
  simulator.inject({ action: "CreateTags", times: 3, fault: { kind: "reset" } });
  const response = await app.request(`/instance/${REGION}/${RUNNING_ID}/stop`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(response.status, 502);
  assertEquals((await errorOf(response)).id, "start_time");
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.state, "stopping");
  await notifier.settled();
  assertEquals(received.map(({ body }) => body.text), [
    `workwork: stopped ${RUNNING_ID} (${REGION}), by key default`,
  ]);
});

Deno.test("dry runs and refused changes notify nobody", async () => {
  const { received, webhook } = recordingWebhook(() => new Response("ok"));
  const { app, notifier } = await testService({ webhook });
  await app.request(`/instance/${REGION}/${RUNNING_ID}/stop?dry_run=true`, {
    method: "POST",
    headers: KEYED,
  });
  await app.request(`/instance/${REGION}/${RUNNING_ID}/stop?hibernate=true`, {
    method: "POST",
    headers: KEYED,
  });
  await notifier.settled();
  assertEquals(received, []);
});

Deno.test("a sweep's stop is posted with its reason", async () => {
  const { received, webhook } = recordingWebhook(() => new Response("ok"));
  const { app, notifier, clock } = await testService({
    webhook,
    instances: [{
      id: RUNNING_ID,
      region: REGION,
      tags: { Name: "dev-box", "workwork:max_runtime": "4h", start_time: "2026-11-26T06:00:00Z" },
    }],
    sweep: { regions: [REGION], maxRuntimeMs: null },
  });
  clock.now = Date.parse("2026-11-26T12:00:00Z");
  await app.request("/sweep", { method: "POST", headers: KEYED });
  await notifier.settled();
  assertEquals(
    received[0].body.text,
    `workwork: stopped dev-box (${RUNNING_ID}, ${REGION}), by sweep (key default): ran 6h, over its workwork:max_runtime of 4h`,
  );
});

Deno.test("the message names how an instance was stopped", () => {
  assertEquals(
    notificationText({
      action: "stop",
      region: REGION,
      instanceId: RUNNING_ID,
      name: "game",
      by: "key bot",
      hibernate: true,
    }),
    `workwork: stopped (hibernated) game (${RUNNING_ID}, ${REGION}), by key bot`,
  );
});

Deno.test("on Workers the notification is handed to waitUntil, so it outlives the answer", async () => {
  const { webhook, received } = recordingWebhook(() => new Response("ok"));
  const { app } = await testService({ webhook });
  const handed: Promise<unknown>[] = [];
  const context = {
    waitUntil: (promise: Promise<unknown>) => handed.push(promise),
    passThroughOnException: () => {},
    props: {},
  };
  const response = await app.request(
    `/instance/${REGION}/${RUNNING_ID}/stop`,
    { method: "POST", headers: KEYED },
    {},
    context,
  );
  assertEquals(response.status, 204);
  assertEquals(handed.length, 1);
  await Promise.all(handed);
  assertEquals(received.length, 1);
});
