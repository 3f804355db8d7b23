/**
 * The Slack routes end to end in-process: a signed request in, the change in
 * the simulator, the outcome posted to the (fake) `response_url`; and the
 * requests that must change nothing.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { REGION, T0 } from "../../_helpers.ts";
import {
  API_EU_ID,
  API_WEST_ID,
  BUILD_ID,
  chatApp,
  DEV_ID,
  READ_KEY,
  RESPONSE_URL,
  SLACK_READER,
  SLACK_SECRET,
  SLACK_WEB,
  slackCommand,
  slackPress,
  WEB_KEY,
} from "./_chat.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

function assertNoSecret(text: string) {
  for (const secret of [SLACK_SECRET, WEB_KEY, READ_KEY, "hunter2", "unused-verification-token"]) {
    assert(!text.includes(secret), `a secret leaked: ${text.slice(0, 200)}`);
  }
}

Deno.test("/workwork start NAME: answered at once, started in EC2, the outcome posted to response_url", async () => {
  const chat = await chatApp();
  const response = await chat.send(await slackCommand("start build box"));
  assertEquals(response.status, 200);
  assertEquals(await response.text(), "");

  assertEquals(chat.simulator.instance(REGION, BUILD_ID)?.state, "pending");
  assertEquals(
    chat.simulator.instance(REGION, BUILD_ID)?.tags.start_time,
    new Date(T0).toISOString(),
  );
  // The change names the Slack user who asked, in the same CreateTags as start_time.
  assertMatch(
    chat.simulator.instance(REGION, BUILD_ID)?.tags["workwork:last_change"] ?? "",
    /^\S+ start by slack:U\w+/,
  );
  assertEquals(chat.changes().map((call) => call.action), ["StartInstances", "CreateTags"]);

  assertEquals(chat.posted.length, 1);
  const [post] = chat.posted;
  assertEquals([post.method, post.url], ["POST", RESPONSE_URL]);
  assertEquals(post.body.response_type, "in_channel");
  assertEquals(post.body.blocks[0].text.text, "build box");
  assertStringIncludes(post.body.text, "is pending");
  assertStringIncludes(JSON.stringify(post.body), "asked by slack:U2CERLKJA@T1DC2JH3J");
  // Pending: a Stop button (the entry may stop), no Start, no Reboot (not allowed).
  const actions = post.body.blocks.find((block: Json) => block.type === "actions");
  assertEquals(actions.elements.map((button: Json) => button.text.text), ["Stop"]);
  assertEquals(actions.elements[0].action_id, `ww:stop!:${REGION}:${BUILD_ID}`);
  assert(actions.elements[0].confirm, "stop asks first");

  assertEquals(chat.notified.length, 1);
  assertStringIncludes(chat.notified[0].body.text, "slack:U2CERLKJA@T1DC2JH3J");

  const lines = chat.audit.map((line) => JSON.parse(line));
  assertEquals(lines.length, 1);
  assertEquals(lines[0].key, "web-team");
  assertEquals(lines[0].chat_user, "slack:U2CERLKJA@T1DC2JH3J");
  assertEquals(lines[0].action, "start");
  assertEquals([lines[0].region, lines[0].instance], [REGION, BUILD_ID]);
  assertEquals(lines[0].chat_outcome, "done");
  assert(lines[0].ec2_calls.includes("StartInstances×1"), lines[0].ec2_calls);

  for (const text of [JSON.stringify(chat.posted), ...chat.audit, ...chat.lines]) {
    assertNoSecret(text);
  }
});

Deno.test("--dry-run asks EC2 and changes nothing; the answer says so", async () => {
  const chat = await chatApp();
  await chat.send(await slackCommand("stop dev-box --dry-run"));
  assertEquals(chat.simulator.instance(REGION, DEV_ID)?.state, "running");
  const stops = chat.simulator.calls.filter((call) => call.action === "StopInstances");
  assertEquals(stops.map((call) => call.params.DryRun), ["true"]);
  assert(!chat.simulator.calls.some((call) => call.action === "CreateTags"));
  assertStringIncludes(JSON.stringify(chat.posted[0].body), "Dry run: EC2 says stop would succeed");
  assertEquals(chat.notified.length, 0);
  assertEquals(JSON.parse(chat.audit[0]).chat_outcome, "dry_run");
});

Deno.test("status and list: read-only answers, names found across the entry's regions", async () => {
  const chat = await chatApp();
  await chat.send(await slackCommand("status DEV-BOX"));
  const status = chat.posted[0].body;
  assertEquals(status.response_type, "in_channel");
  assertEquals(status.blocks[0].text.text, "dev-box");
  assert(!JSON.stringify(status).includes("hunter2"), "no tag but Name and start_time");

  await chat.send(await slackCommand("list"));
  const list = chat.posted[1].body;
  assertEquals(list.response_type, "ephemeral");
  assertEquals(list.text, "4 instances");
  assertStringIncludes(JSON.stringify(list), API_EU_ID);
  assertEquals(chat.changes(), []);
});

Deno.test("an ambiguous or unknown name answers privately with the candidates", async () => {
  const chat = await chatApp();
  await chat.send(await slackCommand("stop api"));
  const answer = chat.posted[0].body;
  assertEquals(answer.response_type, "ephemeral");
  assertStringIncludes(answer.text, '"api" names 2 instances');
  assertStringIncludes(JSON.stringify(answer), API_WEST_ID);
  assertStringIncludes(JSON.stringify(answer), API_EU_ID);

  await chat.send(await slackCommand("start bild"));
  assertStringIncludes(chat.posted[1].body.text, 'No instance is named "bild"');
  assertEquals(chat.changes(), []);
});

Deno.test("help, an unknown subcommand, a missing name: a private answer at once, no EC2 call", async () => {
  const chat = await chatApp();
  for (const text of ["help", "", "explode dev-box", "start", "start dev-box --force"]) {
    const response = await chat.send(await slackCommand(text));
    assertEquals(response.status, 200);
    const body = await response.json();
    assertEquals(body.response_type, "ephemeral");
    assertStringIncludes(body.text, "/workwork start NAME [--dry-run]");
  }
  assertEquals(chat.simulator.calls, []);
  assertEquals(chat.posted, []);
});

Deno.test("an entry that may not stop gets a private refusal; nothing changes", async () => {
  const chat = await chatApp();
  await chat.send(await slackCommand("stop dev-box", { who: SLACK_READER }));
  const answer = chat.posted[0].body;
  assertEquals(answer.response_type, "ephemeral");
  assertMatch(answer.text, /may not stop/);
  assertEquals(chat.changes(), []);
  const line = JSON.parse(chat.audit[0]);
  assertEquals([line.key, line.chat_user, line.chat_outcome], [
    "readers",
    "slack:U0READER1@T0READERS",
    "refused",
  ]);
});

Deno.test("forged, replayed and unmapped requests change nothing and call no EC2", async () => {
  const chat = await chatApp();
  const forged = await chat.send(await slackCommand("start build box", { secret: "not-it" }));
  assertEquals(forged.status, 401);
  const refusal = await forged.json();
  assertEquals(refusal.response_type, "ephemeral");
  assertEquals(refusal.text, "Slack request signature does not match");

  const sixMinutesAgo = T0 / 1000 - 6 * 60;
  const replayed = await chat.send(
    await slackCommand("start build box", { timestamp: sixMinutesAgo }),
  );
  assertEquals(replayed.status, 401);
  await replayed.body?.cancel();

  const tampered = await slackCommand("start build box");
  const body = (await tampered.text()).replace("build", "dev");
  const retouched = await chat.send(
    new Request(tampered.url, {
      method: "POST",
      headers: tampered.headers,
      body,
    }),
  );
  assertEquals(retouched.status, 401);
  await retouched.body?.cancel();

  const stranger = await chat.send(
    await slackCommand("start build box", { who: { userId: "U0STRANGE", teamId: "T1DC2JH3J" } }),
  );
  assertEquals(stranger.status, 200);
  const privately = await stranger.json();
  assertEquals(privately.response_type, "ephemeral");
  assertStringIncludes(privately.text, "not named in any workwork API_KEYS entry");

  assertEquals(chat.simulator.calls, []);
  assertEquals(chat.posted, []);
  assertEquals(chat.notified, []);
  const lines = chat.audit.map((line) => JSON.parse(line));
  assertEquals(lines.map((line) => line.status), [401, 401, 401, 200]);
  assertEquals(lines[3].chat_user, "slack:U0STRANGE@T1DC2JH3J");
  assertEquals([lines[3].key, lines[3].chat_outcome], [null, "refused"]);
});

Deno.test("the same signed start sent twice: started once, the copy refused with 401", async () => {
  const chat = await chatApp();
  const original = await slackCommand("start build box");
  const copy = original.clone();
  const retry = original.clone();
  retry.headers.set("x-slack-retry-num", "1");
  assertEquals((await chat.send(original)).status, 200);

  const replayed = await chat.send(copy);
  assertEquals(replayed.status, 401);
  const refusal = await replayed.json();
  assertEquals(refusal.response_type, "ephemeral");
  assertStringIncludes(refusal.text, "already received");
  // Should Slack ever resend the very same bytes as a retry, it gets 200 and nothing is done.
  const resent = await chat.send(retry);
  assertEquals([resent.status, await resent.text()], [200, ""]);

  const starts = chat.simulator.calls.filter((call) => call.action === "StartInstances");
  assertEquals(starts.length, 1);
  assertEquals(chat.posted.length, 1);
  assertEquals(chat.notified.length, 1);

  // A new request, signed a second later, is not a replay.
  const again = await chat.send(
    await slackCommand("status build box", { timestamp: T0 / 1000 + 1 }),
  );
  assertEquals(again.status, 200);
  await again.body?.cancel();
  assertEquals(chat.posted.length, 2);
});

Deno.test("bodies that are not Slack's get Slack's error form with 400 or 413, never a 500", async () => {
  const chat = await chatApp();
  const cases: [string, number][] = [
    ["foo=bar", 400],
    ["command=%2Fworkwork&text=list&team_id=T1&user_id=U1", 400],
    [
      "command=%2Fworkwork&text=list&team_id=T1DC2JH3J&user_id=U2CERLKJA&response_url=https%3A%2F%2Fevil.example%2Fx",
      400,
    ],
    ["x=" + "a".repeat(200 * 1024), 413],
  ];
  for (const [body, status] of cases) {
    const response = await chat.send(await slackCommand("", { body }));
    assertEquals(response.status, status, body.slice(0, 60));
    const answer = await response.json();
    assertEquals(answer.response_type, "ephemeral");
    assertEquals(typeof answer.text, "string");
  }
  const press = await chat.send(
    await slackCommand("", { body: "payload=%7B%22type%22%3A%22view_submission%22%7D" }),
  );
  assertEquals(press.status, 400);
  await press.body?.cancel();
  // Slack's certificate check, signed: a bare 200.
  const check = await chat.send(await slackCommand("", { body: "ssl_check=1&token=x" }));
  assertEquals([check.status, await check.text()], [200, ""]);
  assertEquals(chat.simulator.calls, []);
});

Deno.test("a Stop button: checked again against the presser, changed, the message replaced", async () => {
  const chat = await chatApp();
  const response = await chat.send(await slackPress(`ww:stop!:${REGION}:${DEV_ID}`));
  assertEquals(response.status, 200);
  assertEquals(chat.simulator.instance(REGION, DEV_ID)?.state, "stopping");
  assertEquals(chat.simulator.instance(REGION, DEV_ID)?.tags.start_time, "");
  const [post] = chat.posted;
  assertEquals(post.url, RESPONSE_URL);
  assertEquals(post.body.replace_original, true);
  assertStringIncludes(post.body.text, "is stopping");

  // The same button pressed by a reader: refused, privately, the message left as it was.
  const reader = await chatApp();
  await reader.send(await slackPress(`ww:stop!:${REGION}:${DEV_ID}`, { who: SLACK_READER }));
  assertEquals(reader.changes(), []);
  assertEquals(reader.posted[0].body.replace_original, false);
  assertEquals(reader.posted[0].body.response_type, "ephemeral");

  // A stranger's press: no EC2 call at all.
  const stranger = await chatApp();
  await stranger.send(
    await slackPress(`ww:stop!:${REGION}:${DEV_ID}`, {
      who: { userId: "U0STRANGE", teamId: SLACK_WEB.teamId },
    }),
  );
  assertEquals(stranger.simulator.calls, []);
  assertStringIncludes(stranger.posted[0].body.text, "not named");
});

Deno.test("without SLACK_SIGNING_SECRET the Slack paths are not there (404)", async () => {
  const chat = await chatApp({ slack: false });
  for (const path of ["/slack/commands", "/slack/interactions", "/discord/interactions"]) {
    const response = await chat.send(
      new Request(`https://workwork.test${path}`, { method: "POST" }),
    );
    assertEquals(response.status, 404, path);
    await response.body?.cancel();
  }
  const on = await chatApp();
  const get = await on.send(new Request("https://workwork.test/slack/commands"));
  assertEquals(get.status, 405);
  await get.body?.cancel();
});

Deno.test("a failing response_url is logged without its address; the change stands", async () => {
  const chat = await chatApp({ outboundStatus: 404 });
  await chat.send(await slackCommand("start build box"));
  assertEquals(chat.simulator.instance(REGION, BUILD_ID)?.state, "pending");
  assert(chat.lines.some((line) => line.includes("Slack's response_url answered HTTP 404")));
  assert(!chat.lines.some((line) => line.includes("hooks.slack.com")));
});
