/**
 * The chat settings: the chat ids of `API_KEYS` entries, checked at start-up,
 * and `SLACK_SIGNING_SECRET` / `DISCORD_PUBLIC_KEY`; then the whole service
 * built from the environment answering a signed Slack command.
 */
import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { parseApiKeys } from "../../src/config/api_keys.ts";
import { ConfigError, loadConfig } from "../../src/config/settings.ts";
import { slackSignature } from "../../src/http/chat/slack_verify.ts";
import { createDemo } from "../../src/platform/demo.ts";
import { createService } from "../../src/platform/service.ts";

const BASE = { API_KEY: "k", AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "secret" };

Deno.test("API_KEYS entries carry their chat ids", () => {
  const [spec] = parseApiKeys(JSON.stringify([{
    name: "ops",
    key: "an-ops-key",
    slack_users: ["U2CERLKJA"],
    discord_roles: ["1182000000000000001"],
  }]));
  assertEquals([...spec.chat.slackUsers!], ["U2CERLKJA"]);
  assertEquals([...spec.chat.discordRoles!], ["1182000000000000001"]);
  assertEquals(spec.chat.slackTeams, null);
});

Deno.test("a chat user in two entries, or a malformed id, stops start-up; the key is never quoted", () => {
  const twice = JSON.stringify([
    { name: "a", key: "key-of-a-0000", slack_users: ["U2CERLKJA"] },
    { name: "b", key: "key-of-b-0000", slack_users: ["U2CERLKJA"] },
  ]);
  const error = assertThrows(() => loadConfig({ ...BASE, API_KEYS: twice }), ConfigError);
  assertStringIncludes(error.message, 'Slack user "U2CERLKJA" is listed by both "a" and "b"');
  assert(!error.message.includes("key-of-"));

  const bad = JSON.stringify([{ name: "a", key: "key-of-a-0000", discord_users: ["me"] }]);
  assertStringIncludes(
    assertThrows(() => loadConfig({ ...BASE, API_KEYS: bad }), ConfigError).message,
    'entry 0 ("a"): "discord_users" has "me", which is not a Discord user id',
  );
});

Deno.test("SLACK_SIGNING_SECRET and DISCORD_PUBLIC_KEY: off when unset, the key checked", () => {
  const off = loadConfig(BASE);
  assertEquals([off.slackSigningSecret, off.discordPublicKey], [null, null]);
  const on = loadConfig({
    ...BASE,
    SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
    DISCORD_PUBLIC_KEY: "AB".repeat(32),
  });
  assertEquals(on.slackSigningSecret, "8f742231b10e8888abcd99yyyzzz85a5");
  assertEquals(on.discordPublicKey, "ab".repeat(32));
  const error = assertThrows(
    () => loadConfig({ ...BASE, DISCORD_PUBLIC_KEY: "not-a-key-xyz" }),
    ConfigError,
  );
  assertStringIncludes(error.message, "DISCORD_PUBLIC_KEY must be 64 hex digits");
  assert(!error.message.includes("not-a-key-xyz"));
});

Deno.test("the service built from the environment answers a signed /workwork list on the demo", async () => {
  const secret = "a-signing-secret-for-this-test";
  const posted: unknown[] = [];
  const service = await createService({
    DEMO: "true",
    API_KEYS: JSON.stringify([{ name: "chat", key: "chat-key-0000", slack_teams: ["T0TEAM001"] }]),
    SLACK_SIGNING_SECRET: secret,
  }, {
    demo: createDemo,
    chatFetch: async (request) => {
      posted.push(await request.json());
      return new Response("ok");
    },
  });
  const body = new URLSearchParams({
    team_id: "T0TEAM001",
    user_id: "U0USER001",
    command: "/workwork",
    text: "list",
    response_url: "https://hooks.slack.com/commands/T0TEAM001/1/x",
  }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const pending: Promise<unknown>[] = [];
  const response = await service.app.fetch(
    new Request("https://workwork.test/slack/commands", {
      method: "POST",
      headers: {
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": await slackSignature(secret, timestamp, body),
      },
      body,
    }),
    {},
    {
      waitUntil: (work: Promise<unknown>) => void pending.push(work),
      passThroughOnException() {},
      props: {},
    },
  );
  assertEquals(response.status, 200);
  await Promise.all(pending);
  assertEquals(posted.length, 1);
  // The demo's regions are the ones listed: every demo instance, and the entry may see all.
  const count = service.demoInstances.length;
  assert(count > 1);
  assertEquals((posted[0] as { text: string }).text, `${count} instances`);
  assertEquals(service.simulator!.calls.every((call) => call.action === "DescribeInstances"), true);
});
