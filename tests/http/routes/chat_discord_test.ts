/**
 * The Discord route end to end in-process, signed with an Ed25519 key pair
 * made here: PING, the deferred answer and the edit of the original message
 * through the (fake) interaction webhook, buttons, and the requests that must
 * change nothing.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { REGION, T0 } from "../../_helpers.ts";
import {
  BUILD_ID,
  chatApp,
  DEV_ID,
  DISCORD_API,
  DISCORD_APP_ID,
  DISCORD_READER_ROLE,
  DISCORD_WEB,
  discordCommand,
  discordPress,
  discordSigner,
} from "./_chat.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const ORIGINAL =
  `${DISCORD_API}/webhooks/${DISCORD_APP_ID}/interaction-token-abc/messages/@original`;

async function discordApp() {
  const signer = await discordSigner();
  const chat = await chatApp({ slack: false, discordPublicKey: signer.publicKey });
  return { ...chat, sign: signer.sign };
}

Deno.test("Discord's signed PING gets PONG; a forged one 401 in Discord's error form", async () => {
  const chat = await discordApp();
  const pong = await chat.send(await chat.sign({ type: 1, id: "1", application_id: "2" }));
  assertEquals(pong.status, 200);
  assertEquals(await pong.json(), { type: 1 });

  const other = await discordSigner();
  const forged = await chat.send(await other.sign({ type: 1, id: "1", application_id: "2" }));
  assertEquals(forged.status, 401);
  assertEquals(await forged.json(), {
    message: "Discord request signature does not verify",
    code: 0,
  });
});

Deno.test("/workwork start: deferred at once, started in EC2, the original message edited", async () => {
  const chat = await discordApp();
  const response = await chat.send(await chat.sign(discordCommand("start", { name: "build box" })));
  assertEquals(await response.json(), { type: 5 });
  assertEquals(chat.simulator.instance(REGION, BUILD_ID)?.state, "pending");
  assertEquals(
    chat.simulator.instance(REGION, BUILD_ID)?.tags.start_time,
    new Date(T0).toISOString(),
  );

  assertEquals(chat.posted.length, 1);
  const [edit] = chat.posted;
  assertEquals([edit.method, edit.url], ["PATCH", ORIGINAL]);
  assertEquals(edit.body.embeds[0].title, "build box");
  assertStringIncludes(JSON.stringify(edit.body.embeds[0].fields), "pending");
  assertEquals(edit.body.allowed_mentions, { parse: [] });
  const buttons = edit.body.components[0].components;
  assertEquals(buttons.map((b: Json) => [b.label, b.custom_id]), [
    ["Stop", `ww:stop:${REGION}:${BUILD_ID}`],
  ]);
  assertEquals(chat.notified.length, 1);
  assertStringIncludes(chat.notified[0].body.content, `discord:${DISCORD_WEB}`);
  const line = JSON.parse(chat.audit[0]);
  assertEquals([line.key, line.chat_user, line.action, line.chat_outcome], [
    "web-team",
    `discord:${DISCORD_WEB}`,
    "start",
    "done",
  ]);
});

Deno.test("a role grants its entry: a list, deferred privately; a stop refused privately", async () => {
  const chat = await discordApp();
  const reader = { userId: "90000000000000001", roles: [DISCORD_READER_ROLE] };
  const list = await chat.send(await chat.sign(discordCommand("list", reader)));
  assertEquals(await list.json(), { type: 5, data: { flags: 64 } });
  assertEquals(chat.posted[0].method, "PATCH");
  assertEquals(chat.posted[0].body.content, "4 instances");

  const stop = await chat.send(
    await chat.sign(discordCommand("stop", { ...reader, name: "dev-box" })),
  );
  assertEquals(await stop.json(), { type: 5 });
  // The deferred answer was public; the refusal replaces it with one only the asker sees.
  assertEquals(chat.posted.slice(1).map((p) => [p.method, p.url]), [
    ["DELETE", ORIGINAL],
    ["POST", ORIGINAL.replace("/messages/@original", "")],
  ]);
  assertEquals(chat.posted[2].body.flags, 64);
  assertStringIncludes(chat.posted[2].body.content, "may not stop");
  assertEquals(chat.changes(), []);
});

Deno.test("Stop: the button asks first, privately; the confirmed press stops and edits the message", async () => {
  const chat = await discordApp();
  const ask = await chat.send(await chat.sign(discordPress(`ww:stop:${REGION}:${DEV_ID}`)));
  const question = await ask.json();
  assertEquals(question.type, 4);
  assertEquals(question.data.flags, 64);
  assertEquals(question.data.components[0].components[0].custom_id, `ww:stop!:${REGION}:${DEV_ID}`);
  assertEquals(chat.simulator.calls, []);

  const press = await chat.send(await chat.sign(discordPress(`ww:stop!:${REGION}:${DEV_ID}`)));
  assertEquals(await press.json(), { type: 6 });
  assertEquals(chat.simulator.instance(REGION, DEV_ID)?.state, "stopping");
  const [edit] = chat.posted;
  assertEquals(edit.method, "PATCH");
  assertEquals(
    edit.url,
    `${DISCORD_API}/webhooks/${DISCORD_APP_ID}/interaction-token-def/messages/@original`,
  );
  assertEquals(edit.body.embeds[0].title, "dev\\-box");
});

Deno.test("forged, replayed and unmapped interactions change nothing and call no EC2", async () => {
  const chat = await discordApp();
  const other = await discordSigner();
  const start = discordCommand("start", { name: "build box" });
  const forged = await chat.send(await other.sign(start));
  assertEquals(forged.status, 401);
  await forged.body?.cancel();

  const replayed = await chat.send(await chat.sign(start, { timestamp: T0 / 1000 - 301 }));
  assertEquals(replayed.status, 401);
  await replayed.body?.cancel();

  const stranger = await chat.send(
    await chat.sign(discordCommand("start", { name: "build box", userId: "90000000000000009" })),
  );
  const refusal = await stranger.json();
  assertEquals([refusal.type, refusal.data.flags], [4, 64]);
  assertStringIncludes(refusal.data.content, "not named in any workwork API\\_KEYS entry");

  const press = await chat.send(
    await chat.sign(
      discordPress(`ww:start!:${REGION}:${BUILD_ID}`, { userId: "90000000000000009" }),
    ),
  );
  assertEquals((await press.json()).type, 4);

  assertEquals(chat.simulator.calls, []);
  assertEquals(chat.posted, []);
  assertEquals(chat.notified, []);
});

Deno.test("the same signed start sent twice: started once, the copy refused with 401", async () => {
  const chat = await discordApp();
  const original = await chat.sign(discordCommand("start", { name: "build box" }));
  const copy = original.clone();
  assertEquals(await (await chat.send(original)).json(), { type: 5 });

  const replayed = await chat.send(copy);
  assertEquals(replayed.status, 401);
  assertEquals(await replayed.json(), {
    message: "Discord request was already received: a replayed request is refused",
    code: 0,
  });
  const starts = chat.simulator.calls.filter((call) => call.action === "StartInstances");
  assertEquals(starts.length, 1);
  assertEquals(chat.posted.length, 1);
});

Deno.test("bad interactions get 400 in Discord's error form; a mistyped command gets help", async () => {
  const chat = await discordApp();
  for (
    const interaction of [{ type: 9 }, { type: 2 }, "not an object", discordPress("ww:nuke!:x:y")]
  ) {
    const response = await chat.send(await chat.sign(interaction));
    assertEquals(response.status, 400, JSON.stringify(interaction));
    const body = await response.json();
    assertEquals([typeof body.message, body.code], ["string", 0]);
  }
  const unknown = await chat.send(
    await chat.sign(discordCommand("explode", { name: "dev-box" })),
  );
  const answer = await unknown.json();
  assertEquals([answer.type, answer.data.flags], [4, 64]);
  assertStringIncludes(answer.data.content, 'Unknown command "explode"');
  assertEquals(chat.simulator.calls, []);
});

Deno.test("--dry-run on Discord: EC2 asked, nothing changed", async () => {
  const chat = await discordApp();
  await chat.send(await chat.sign(discordCommand("stop", { name: "dev-box", dryRun: true })));
  assertEquals(chat.simulator.instance(REGION, DEV_ID)?.state, "running");
  assert(!chat.simulator.calls.some((call) => call.action === "CreateTags"));
  assertStringIncludes(chat.posted[0].body.embeds[0].description, "Dry run");
});
