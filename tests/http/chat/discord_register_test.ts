import { assertEquals, assertMatch, assertRejects, assertStringIncludes } from "@std/assert";
import { CHAT_SUBCOMMANDS, parseDiscordOptions } from "../../../src/domain/chat_commands.ts";
import {
  discordCommandDefinition,
  registerDiscordCommands,
} from "../../../src/http/chat/discord_register.ts";
import { main } from "../../../scripts/discord_register.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const APPLICATION_ID = "1185000000000000000";
const TOKEN = "MTE4NTAwMDAwMDAwMDAwMDAwMA.Gabcde.secret-bot-token-value";
const NAME_PATTERN = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

Deno.test("the command has every subcommand with Discord's name and length rules", () => {
  const [command] = discordCommandDefinition() as Json[];
  assertEquals([command.name, command.type], ["workwork", 1]);
  assertEquals(command.options.map((o: Json) => o.name), [...CHAT_SUBCOMMANDS]);
  const names: string[] = [command.name];
  const descriptions: string[] = [command.description];
  for (const sub of command.options) {
    assertEquals(sub.type, 1);
    names.push(sub.name, ...sub.options.map((o: Json) => o.name));
    descriptions.push(sub.description, ...sub.options.map((o: Json) => o.description));
  }
  for (const name of names) {
    assertMatch(name, NAME_PATTERN);
    assertEquals(name, name.toLowerCase());
  }
  for (const text of descriptions) assertEquals(text.length >= 1 && text.length <= 100, true, text);
  const stop = command.options.find((o: Json) => o.name === "stop");
  assertEquals(stop.options.map((o: Json) => [o.name, o.type, o.required]), [
    ["name", 3, true],
    ["dry_run", 5, false],
  ]);
  assertEquals(command.options.find((o: Json) => o.name === "list").options, []);
});

Deno.test("what Discord sends for the registered options parses back", () => {
  const [command] = discordCommandDefinition() as Json[];
  for (const sub of command.options) {
    const options = sub.options.map((o: Json) => ({
      type: o.type,
      name: o.name,
      value: o.type === 5 ? true : "web",
    }));
    const parsed = parseDiscordOptions([{ type: 1, name: sub.name, options }]);
    assertEquals(parsed.subcommand, sub.name);
  }
});

/** A fake Discord on 127.0.0.1 that records one request and answers `status`. */
async function withFakeDiscord(
  status: number,
  answer: unknown,
  fn: (url: string, seen: Json[]) => Promise<void>,
) {
  const seen: Json[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    seen.push({
      method: req.method,
      path: new URL(req.url).pathname,
      authorization: req.headers.get("authorization"),
      type: req.headers.get("content-type"),
      body: await req.json(),
    });
    return Response.json(answer, { status });
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}/api/v10`, seen);
  } finally {
    await server.shutdown();
  }
}

const netGranted =
  (await Deno.permissions.query({ name: "net", host: "127.0.0.1" })).state === "granted";

Deno.test({
  name: "deno task discord:register's script PUTs the command to a fake Discord",
  ignore: !netGranted,
  async fn() {
    await withFakeDiscord(200, [{ id: "1", name: "workwork" }], async (url, seen) => {
      const lines: string[] = [];
      const env = { DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_BOT_TOKEN: TOKEN };
      const code = await main([`--api-url=${url}`], (name) => env[name as keyof typeof env], {
        fetch,
        log: (line) => lines.push(line),
      });
      assertEquals(code, 0);
      assertEquals(lines, [`Registered /workwork for application ${APPLICATION_ID}`]);
      assertEquals(seen.length, 1);
      assertEquals(seen[0].method, "PUT");
      assertEquals(seen[0].path, `/api/v10/applications/${APPLICATION_ID}/commands`);
      assertEquals(seen[0].authorization, `Bot ${TOKEN}`);
      assertEquals(seen[0].type, "application/json");
      assertEquals(seen[0].body, discordCommandDefinition());
    });
  },
});

Deno.test({
  name: "a refused token is reported with Discord's status and message, never the token",
  ignore: !netGranted,
  async fn() {
    await withFakeDiscord(401, { message: "401: Unauthorized", code: 0 }, async (url) => {
      const lines: string[] = [];
      const env = { DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_BOT_TOKEN: TOKEN };
      const code = await main([`--api-url=${url}`], (name) => env[name as keyof typeof env], {
        fetch,
        log: (line) => lines.push(line),
      });
      assertEquals(code, 1);
      assertEquals(lines, [
        "Discord refused the commands: 401 (401: Unauthorized); check DISCORD_BOT_TOKEN",
      ]);
    });
  },
});

Deno.test("the script asks for the variables and refuses unknown arguments", async () => {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const failing = () => Promise.reject(new Error("no call expected"));
  assertEquals(await main([], () => undefined, { fetch: failing, log }), 2);
  assertEquals(await main(["--force"], () => "x", { fetch: failing, log }), 2);
  assertEquals(lines, [
    "Set DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN (Discord's developer portal)",
    'Unknown argument "--force"; the only one is --api-url=URL',
  ]);
});

Deno.test("registerDiscordCommands refuses a malformed id or token before any call", async () => {
  const failing = () => Promise.reject(new Error("no call expected"));
  await assertRejects(
    () => registerDiscordCommands({ applicationId: "app", botToken: TOKEN, fetch: failing }),
    TypeError,
    "DISCORD_APPLICATION_ID",
  );
  const error = await assertRejects(
    () =>
      registerDiscordCommands({ applicationId: APPLICATION_ID, botToken: "a b", fetch: failing }),
    TypeError,
  );
  assertStringIncludes(error.message, "DISCORD_BOT_TOKEN");
});

Deno.test("an echo of the token in Discord's message is blanked", async () => {
  const echo = () =>
    Promise.resolve(Response.json({ message: `bad token ${TOKEN}` }, { status: 400 }));
  const error = await assertRejects(() =>
    registerDiscordCommands({ applicationId: APPLICATION_ID, botToken: TOKEN, fetch: echo })
  );
  assertEquals((error as Error).message.includes(TOKEN), false);
});
