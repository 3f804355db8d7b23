import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import {
  type ChatInstance,
  decodeChatAction,
  encodeChatAction,
} from "../../../src/http/chat/chat_instance.ts";
import {
  DISCORD_CUSTOM_ID_LIMIT,
  DISCORD_EPHEMERAL,
  DISCORD_LIST_LIMIT,
  discordConfirmMessage,
  discordDeferred,
  discordInstanceMessage,
  discordListMessage,
  discordLookupMessage,
  discordOriginalMessageUrl,
  discordPong,
  discordReply,
  discordTextMessage,
  discordUpdate,
  parseDiscordInteraction,
} from "../../../src/http/chat/discord_messages.ts";
import { ChatRequestError } from "../../../src/http/chat/errors.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const RUNNING: ChatInstance = {
  region: "us-west-2",
  id: "i-0abc1234def567890",
  name: "web",
  state: "running",
  type: "t3.micro",
  address: "54.1.2.3",
  startTime: "2026-12-01T08:00:00.000Z",
};
const all = () => true;

function buttons(data: { components?: unknown[] }): Json[] {
  return (data.components as Json[] | undefined)?.flatMap((row) => row.components) ?? [];
}

Deno.test("responses: PONG, an ephemeral reply, a deferred answer, an update", () => {
  assertEquals(discordPong(), { type: 1 });
  const text = discordTextMessage("This Discord user may not use workwork");
  assertEquals(discordReply(text, { ephemeral: true }), {
    type: 4,
    data: {
      content: "This Discord user may not use workwork",
      allowed_mentions: { parse: [] },
      flags: 64,
    },
  });
  assertEquals(discordReply(text).data.flags, undefined);
  assertEquals(discordDeferred(), { type: 5 });
  assertEquals(discordDeferred({ ephemeral: true }), {
    type: 5,
    data: { flags: DISCORD_EPHEMERAL },
  });
  assertEquals(discordUpdate(text).type, 7);
  assertEquals(
    discordOriginalMessageUrl("1234", "tok/en"),
    "https://discord.com/api/v10/webhooks/1234/tok%2Fen/messages/@original",
  );
});

Deno.test("a running instance: an embed of its facts, Stop and Reboot buttons that ask first", () => {
  const data = discordInstanceMessage(RUNNING, { allowed: all, note: "Started" });
  const [embed] = data.embeds as Json[];
  assertEquals(embed.title, "web");
  assertEquals(embed.description, "Started");
  assertEquals(embed.fields.map((f: Json) => [f.name, f.value]), [
    ["Instance", "`i-0abc1234def567890`"],
    ["Region", "us-west-2"],
    ["State", "running"],
    ["Type", "t3.micro"],
    ["Address", "54.1.2.3"],
    ["Started", "2026\\-12\\-01T08:00:00.000Z"],
  ]);
  assertEquals((data.components as Json[])[0].type, 1);
  const [stop, reboot] = buttons(data);
  assertEquals([stop.type, stop.style, stop.label], [2, 4, "Stop"]);
  assertEquals([reboot.style, reboot.label], [2, "Reboot"]);
  assertEquals(decodeChatAction(stop.custom_id), {
    region: "us-west-2",
    id: "i-0abc1234def567890",
    action: "stop",
    confirmed: false,
  });
  assertEquals(data.allowed_mentions, { parse: [] });
});

Deno.test("a stopped instance offers Start, which acts at once; the scope can take it away", () => {
  const stopped = { ...RUNNING, state: "stopped", address: null, startTime: null };
  const [start] = buttons(discordInstanceMessage(stopped, { allowed: all }));
  assertEquals([start.style, start.label], [1, "Start"]);
  assertEquals(decodeChatAction(start.custom_id).confirmed, true);
  assertEquals(buttons(discordInstanceMessage(stopped, { allowed: (a) => a !== "start" })), []);
  assertEquals(discordInstanceMessage(stopped, { allowed: () => false }).components, []);
});

Deno.test("the confirmation is private and its button does the change", () => {
  const data = discordConfirmMessage(
    { region: "us-west-2", id: "i-0abc1234def567890", action: "reboot" },
    "web_1",
  );
  assertEquals(data.flags, DISCORD_EPHEMERAL);
  assertEquals(data.content, "Reboot **web\\_1** (`i-0abc1234def567890`) in us-west-2?");
  const [button] = buttons(data);
  assertEquals([button.label, button.style], ["Reboot it", 4]);
  assertEquals(decodeChatAction(button.custom_id), {
    region: "us-west-2",
    id: "i-0abc1234def567890",
    action: "reboot",
    confirmed: true,
  });
});

Deno.test("custom_id stays within Discord's 100 characters for the longest region and id", () => {
  const id = encodeChatAction({
    region: "ap-southeast-5",
    id: "i-0abc1234def567890",
    action: "reboot",
    confirmed: true,
  });
  assertEquals(id, "ww:reboot!:ap-southeast-5:i-0abc1234def567890");
  const gov = encodeChatAction({
    region: "eusc-de-east-1",
    id: "i-0abc1234def567890",
    action: "reboot",
    confirmed: false,
  });
  assertEquals(Math.max(id.length, gov.length) <= DISCORD_CUSTOM_ID_LIMIT, true);
});

Deno.test("a Name tag's markdown and mentions show as written and mention nobody", () => {
  const hostile = { ...RUNNING, name: "@everyone **boss** `x`" };
  const data = discordInstanceMessage(hostile, { allowed: all });
  assertEquals((data.embeds as Json[])[0].title, "@everyone \\*\\*boss\\*\\* \\`x\\`");
  assertEquals(data.allowed_mentions, { parse: [] });
  assertEquals(discordListMessage([hostile]).allowed_mentions, { parse: [] });
});

Deno.test("a list has one field per instance and says how many more", () => {
  const many = Array.from({ length: 30 }, (_, i) => ({ ...RUNNING, name: `web${i}` }));
  const data = discordListMessage(many);
  assertEquals(data.content, "30 instances");
  const [embed] = data.embeds as Json[];
  assertEquals(embed.fields.length, DISCORD_LIST_LIMIT);
  assertEquals(embed.fields[0], {
    name: "web0",
    value: "`i-0abc1234def567890` us-west-2 · running · t3.micro",
  });
  assertEquals(embed.footer.text, "…and 5 more; ask for one by name");
  assertEquals(discordListMessage([]), {
    content: "No instances.",
    embeds: [],
    allowed_mentions: { parse: [] },
  });
});

Deno.test("candidates name region and id", () => {
  const data = discordLookupMessage("db", {
    status: "ambiguous",
    total: 12,
    candidates: [{ region: "eu-west-1", id: "i-0aaaaaaaaaaaaaaa2", name: "db", state: "stopped" }],
  });
  assertEquals(
    data.content,
    '"db" names 12 instances; use the id:\n- **db** `i-0aaaaaaaaaaaaaaa2` eu-west-1 (stopped)\n…and 11 more',
  );
});

const GUILD_COMMAND = {
  type: 2,
  id: "1186000000000000000",
  application_id: "1185000000000000000",
  token: "aW50ZXJhY3Rpb246MTE4NjAwMDAwMDAwMDAwMDAwMA",
  version: 1,
  guild_id: "1184000000000000000",
  channel_id: "1183000000000000000",
  member: {
    user: { id: "80351110224678912", username: "nelly" },
    roles: ["1182000000000000001", "1182000000000000002"],
    permissions: "2147483647",
  },
  data: {
    id: "1181000000000000000",
    name: "workwork",
    type: 1,
    options: [{ type: 1, name: "status", options: [{ type: 3, name: "name", value: "web" }] }],
  },
};

Deno.test("parseDiscordInteraction reads PING, a command in a server, a button in a DM", () => {
  assertEquals(parseDiscordInteraction('{"type":1,"id":"1","application_id":"2","token":"t"}'), {
    kind: "ping",
  });
  assertEquals(parseDiscordInteraction(JSON.stringify(GUILD_COMMAND)), {
    kind: "command",
    applicationId: "1185000000000000000",
    token: GUILD_COMMAND.token,
    invoker: {
      userId: "80351110224678912",
      roles: ["1182000000000000001", "1182000000000000002"],
      guildId: "1184000000000000000",
    },
    name: "workwork",
    options: GUILD_COMMAND.data.options,
  });
  const press = {
    type: 3,
    id: "1",
    application_id: "1185000000000000000",
    token: "tok",
    user: { id: "80351110224678912" },
    message: { id: "5" },
    data: { component_type: 2, custom_id: "ww:stop!:us-west-2:i-0abc1234def567890" },
  };
  assertEquals(parseDiscordInteraction(new TextEncoder().encode(JSON.stringify(press))), {
    kind: "component",
    applicationId: "1185000000000000000",
    token: "tok",
    invoker: { userId: "80351110224678912", roles: [], guildId: null },
    target: { region: "us-west-2", id: "i-0abc1234def567890", action: "stop", confirmed: true },
  });
});

Deno.test("parseDiscordInteraction refuses what is not an interaction we handle", () => {
  const cases: [unknown, number][] = [
    ["not json", 400],
    [JSON.stringify([1]), 400],
    [JSON.stringify({ ...GUILD_COMMAND, type: 4 }), 400],
    [JSON.stringify({ ...GUILD_COMMAND, token: "" }), 400],
    [JSON.stringify({ ...GUILD_COMMAND, application_id: 5 }), 400],
    [JSON.stringify({ ...GUILD_COMMAND, member: { user: {}, roles: [] } }), 400],
    [JSON.stringify({ ...GUILD_COMMAND, member: { ...GUILD_COMMAND.member, roles: [1] } }), 400],
    [JSON.stringify({ ...GUILD_COMMAND, data: { options: [] } }), 400],
    [
      JSON.stringify({ ...GUILD_COMMAND, type: 3, data: { component_type: 3, custom_id: "x" } }),
      400,
    ],
    [
      JSON.stringify({ ...GUILD_COMMAND, type: 3, data: { component_type: 2, custom_id: "x:y" } }),
      400,
    ],
    [JSON.stringify({ ...GUILD_COMMAND, pad: "x".repeat(200_000) }), 413],
  ];
  for (const [body, status] of cases) {
    const error = assertThrows(() => parseDiscordInteraction(body as string), ChatRequestError);
    assertEquals(error.status, status, String(body).slice(0, 80));
  }
  const error = assertThrows(
    () => parseDiscordInteraction(JSON.stringify({ ...GUILD_COMMAND, type: 5 })),
    ChatRequestError,
  );
  assertStringIncludes(error.message, "type 5 is not handled");
});
