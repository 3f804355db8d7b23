import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { findInstance } from "../../../src/domain/instance_names.ts";
import type { InstanceView } from "../../../src/domain/instances.ts";
import {
  type ChatInstance,
  chatInstance,
  decodeChatAction,
} from "../../../src/http/chat/chat_instance.ts";
import { ChatRequestError } from "../../../src/http/chat/errors.ts";
import {
  parseSlackCommand,
  parseSlackInteraction,
  SLACK_LIST_LIMIT,
  slackInstanceMessage,
  slackListMessage,
  slackLookupMessage,
  slackTextMessage,
} from "../../../src/http/chat/slack_messages.ts";
import type { Instance } from "../../../src/aws/ec2_types.ts";

const SECRET_TAG = "hunter2-database-password";
const VIEW: InstanceView = {
  public_dns_name: "ec2-54-1-2-3.us-west-2.compute.amazonaws.com",
  public_ip_address: "54.1.2.3",
  state: "running",
  tags: { Name: "web", start_time: "2026-12-01T08:00:00.000Z", db_password: SECRET_TAG },
  type: "t3.micro",
  id: "i-0abc1234def567890",
  name: "web",
  launch_time: "2026-11-01T00:00:00.000Z",
  uptime_seconds: 3600,
  last_change: null,
  next: null,
  hold_until: null,
};
const RUNNING = chatInstance("us-west-2", VIEW);
const STOPPED: ChatInstance = { ...RUNNING, state: "stopped", address: null, startTime: null };
const all = () => true;

// deno-lint-ignore no-explicit-any
type Json = any;

function buttons(message: { blocks?: unknown[] }): Json[] {
  const actions = (message.blocks as Json[]).find((block) => block.type === "actions");
  return actions?.elements ?? [];
}

Deno.test("a running instance shows its facts and Stop and Reboot buttons, each asking first", () => {
  const message = slackInstanceMessage(RUNNING, { allowed: all });
  assertEquals(message.response_type, "in_channel");
  assertEquals(message.text, "web (i-0abc1234def567890, us-west-2) is running");
  const [header, section] = message.blocks as Json[];
  assertEquals(header, { type: "header", text: { type: "plain_text", text: "web", emoji: false } });
  assertEquals(section.fields.map((f: Json) => f.text), [
    "*Instance*\n`i-0abc1234def567890`",
    "*Region*\nus-west-2",
    "*State*\nrunning",
    "*Type*\nt3.micro",
    "*Address*\n54.1.2.3",
    "*Started*\n2026-12-01T08:00:00.000Z",
  ]);
  const [stop, reboot] = buttons(message);
  assertEquals(buttons(message).length, 2);
  assertEquals([stop.text.text, stop.style, reboot.text.text], ["Stop", "danger", "Reboot"]);
  assertEquals(decodeChatAction(stop.action_id), {
    region: "us-west-2",
    id: "i-0abc1234def567890",
    action: "stop",
    confirmed: true,
  });
  assertEquals(stop.value, stop.action_id);
  assertEquals(decodeChatAction(reboot.value).action, "reboot");
  for (const button of [stop, reboot]) {
    assertEquals(Object.keys(button.confirm).sort(), ["confirm", "deny", "style", "text", "title"]);
    assertStringIncludes(button.confirm.text.text, "web (i-0abc1234def567890) in us-west-2?");
    assertEquals(button.confirm.title.text.length <= 100, true);
  }
});

Deno.test("buttons follow the scope: none the scope refuses, none the state rules out", () => {
  const startOnly = (action: string) => action === "start";
  assertEquals(buttons(slackInstanceMessage(RUNNING, { allowed: startOnly })), []);
  const [start] = buttons(slackInstanceMessage(STOPPED, { allowed: startOnly }));
  assertEquals([start.text.text, start.style, start.confirm], ["Start", "primary", undefined]);
  assertEquals(buttons(slackInstanceMessage(STOPPED, { allowed: () => false })), []);
  assertEquals(
    buttons(slackInstanceMessage({ ...RUNNING, state: "stopping" }, { allowed: all })),
    [],
  );
  assertEquals(
    (slackInstanceMessage(RUNNING, { allowed: () => false }).blocks as Json[]).some((b) =>
      b.type === "actions"
    ),
    false,
  );
});

Deno.test("a stopped instance says so; a note shows under the facts", () => {
  const message = slackInstanceMessage(STOPPED, {
    allowed: all,
    note: "Dry run: EC2 says stop would succeed; nothing changed",
    visibility: "ephemeral",
  });
  assertEquals(message.response_type, "ephemeral");
  const fields = (message.blocks as Json[])[1].fields.map((f: Json) => f.text);
  assertEquals(fields.slice(4), ["*Address*\nnone", "*Started*\nnot running"]);
  assertEquals(
    (message.blocks as Json[])[2].elements[0].text,
    "Dry run: EC2 says stop would succeed; nothing changed",
  );
});

Deno.test("no tag but Name and start_time reaches a message", () => {
  const text = JSON.stringify([
    slackInstanceMessage(RUNNING, { allowed: all }),
    slackListMessage([RUNNING]),
  ]);
  assertEquals(text.includes(SECRET_TAG), false);
});

Deno.test("a Name tag cannot mention the channel or inject links", () => {
  const hostile = { ...RUNNING, name: "<!channel> <https://evil.example|click> & co" };
  const message = slackInstanceMessage(hostile, { allowed: all });
  const text = JSON.stringify(slackListMessage([hostile])) + message.text;
  assertEquals(/<!channel>|<https/.test(text), false, text);
  assertStringIncludes(text, "&lt;!channel&gt;");
  assertEquals(
    slackTextMessage('Unknown command "<!here>"').text,
    'Unknown command "&lt;!here&gt;"',
  );
});

Deno.test("a list shows one line per instance and says how many more there are", () => {
  const many = Array.from({ length: 60 }, (_, i) => ({ ...RUNNING, name: `web-${i}` }));
  const message = slackListMessage(many);
  assertEquals(message.response_type, "ephemeral");
  assertEquals(message.text, "60 instances");
  const blocks = message.blocks as Json[];
  assertEquals(blocks.length, SLACK_LIST_LIMIT + 1);
  assertEquals(
    blocks[0].text.text,
    "*web-0* `i-0abc1234def567890`\nus-west-2 · running · t3.micro",
  );
  assertStringIncludes(blocks.at(-1).elements[0].text, "and 15 more");
  assertEquals((slackListMessage([]).blocks as Json[])[0].text.text, "No instances.");
});

function ec2(id: string, name: string): Instance {
  return {
    id,
    state: "running",
    type: "t3.micro",
    launchTime: null,
    publicDnsName: null,
    publicIpAddress: null,
    privateIpAddress: null,
    availabilityZone: null,
    tags: { Name: name },
  };
}

Deno.test("an ambiguous name answers privately with every candidate's region and id", () => {
  const lookup = findInstance("db", [
    { region: "us-west-2", instances: [ec2("i-0aaaaaaaaaaaaaaa1", "db")] },
    { region: "eu-west-1", instances: [ec2("i-0aaaaaaaaaaaaaaa2", "db")] },
  ]);
  if (lookup.status === "found") throw new Error("expected candidates");
  const message = slackLookupMessage("db", lookup);
  assertEquals(message.response_type, "ephemeral");
  assertEquals(
    (message.blocks as Json[])[0].text.text,
    '"db" names 2 instances; use the id:\n' +
      "• *db* `i-0aaaaaaaaaaaaaaa2` eu-west-1 (running)\n" +
      "• *db* `i-0aaaaaaaaaaaaaaa1` us-west-2 (running)",
  );
  const unknown = slackLookupMessage("<!x>", { status: "unknown", candidates: [], total: 0 });
  assertEquals(unknown.text, 'No instance is named "&lt;!x&gt;", and there are none you may see.');
});

const COMMAND_BODY = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow" +
  "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner" +
  "&command=%2Fworkwork&text=stop+web+--dry-run&response_url=https%3A%2F%2Fhooks.slack.com" +
  "%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
  "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

Deno.test("parseSlackCommand reads a slash command's form", () => {
  assertEquals(parseSlackCommand(COMMAND_BODY), {
    teamId: "T1DC2JH3J",
    userId: "U2CERLKJA",
    userName: "roadrunner",
    command: "/workwork",
    text: "stop web --dry-run",
    responseUrl: "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN",
  });
  assertEquals(parseSlackCommand(new TextEncoder().encode(COMMAND_BODY)).userId, "U2CERLKJA");
});

function payloadError(fn: () => unknown, status = 400): string {
  const error = assertThrows(fn, ChatRequestError);
  assertEquals(error.status, status);
  return error.message;
}

Deno.test("parseSlackCommand refuses what is not a slash command", () => {
  payloadError(() => parseSlackCommand(""));
  payloadError(() => parseSlackCommand('{"command":"/workwork"}'));
  payloadError(() => parseSlackCommand(COMMAND_BODY.replace("user_id=U2CERLKJA", "user_id=")));
  payloadError(() => parseSlackCommand(COMMAND_BODY.replace("&text=stop+web+--dry-run", "")));
  assertEquals(
    payloadError(() =>
      parseSlackCommand(
        COMMAND_BODY.replace("https%3A%2F%2Fhooks.slack.com", "https%3A%2F%2Fevil.example"),
      )
    ),
    "Slack request has no valid response_url on a Slack host",
  );
  payloadError(() =>
    parseSlackCommand(
      COMMAND_BODY.replace("https%3A%2F%2Fhooks.slack.com", "http%3A%2F%2Fhooks.slack.com"),
    )
  );
  payloadError(() => parseSlackCommand(COMMAND_BODY + "&x=" + "a".repeat(200_000)), 413);
});

function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function blockActions(actionId: string): Json {
  return {
    type: "block_actions",
    user: { id: "U2CERLKJA", username: "roadrunner", team_id: "T1DC2JH3J" },
    api_app_id: "A0KRD7HC3",
    token: "xyzz0WbapA4vBCDEFasx0q6G",
    container: { type: "message", message_ts: "1548261231.000200", channel_id: "C0LAN2Q65" },
    trigger_id: "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3",
    team: { id: "T1DC2JH3J", domain: "testteamnow" },
    channel: { id: "C0LAN2Q65", name: "ops" },
    response_url: "https://hooks.slack.com/actions/T1DC2JH3J/1234567890/abcdefghijkl",
    actions: [{
      type: "button",
      block_id: "workwork",
      action_id: actionId,
      text: { type: "plain_text", text: "Stop", emoji: false },
      value: actionId,
      style: "danger",
      action_ts: "1548426417.840180",
    }],
  };
}

Deno.test("parseSlackInteraction gives back the instance and action of a pressed button", () => {
  const [stop] = buttons(slackInstanceMessage(RUNNING, { allowed: all }));
  assertEquals(parseSlackInteraction(interactionBody(blockActions(stop.action_id))), {
    teamId: "T1DC2JH3J",
    userId: "U2CERLKJA",
    userName: "roadrunner",
    responseUrl: "https://hooks.slack.com/actions/T1DC2JH3J/1234567890/abcdefghijkl",
    target: { region: "us-west-2", id: "i-0abc1234def567890", action: "stop", confirmed: true },
  });
});

Deno.test("parseSlackInteraction refuses other payloads and buttons that are not ours", () => {
  const good = blockActions("ww:stop!:us-west-2:i-0abc1234def567890");
  for (
    const body of [
      "",
      "payload=not-json",
      interactionBody({ ...good, type: "view_submission" }),
      interactionBody({ ...good, actions: [] }),
      interactionBody({ ...good, user: { id: "not an id" } }),
      interactionBody(blockActions("ww:terminate!:us-west-2:i-0abc1234def567890")),
      interactionBody(blockActions("ww:stop!:mars-1:i-0abc1234def567890")),
      interactionBody(blockActions("ww:stop!:us-west-2:i-123")),
      interactionBody(blockActions("other-app-button")),
      interactionBody({ ...good, response_url: "https://hooks.slack.com.evil.example/x" }),
    ]
  ) {
    payloadError(() => parseSlackInteraction(body));
  }
});
