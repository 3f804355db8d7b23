import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import {
  CHAT_HELP_TEXT,
  ChatCommandError,
  parseCommandText,
  parseDiscordOptions,
} from "../../src/domain/chat_commands.ts";

function refused(fn: () => unknown): string {
  const error = assertThrows(fn, ChatCommandError);
  assertEquals(error.help, CHAT_HELP_TEXT);
  return error.message;
}

Deno.test("Slack text: every subcommand, with and without --dry-run", () => {
  assertEquals(parseCommandText("list"), { subcommand: "list" });
  assertEquals(parseCommandText("help"), { subcommand: "help" });
  assertEquals(parseCommandText(""), { subcommand: "help" });
  assertEquals(parseCommandText("   "), { subcommand: "help" });
  assertEquals(parseCommandText("status web-1"), { subcommand: "status", name: "web-1" });
  assertEquals(parseCommandText("start web-1"), {
    subcommand: "start",
    name: "web-1",
    dryRun: false,
  });
  assertEquals(parseCommandText("stop web-1 --dry-run"), {
    subcommand: "stop",
    name: "web-1",
    dryRun: true,
  });
  assertEquals(parseCommandText("reboot --dry-run i-0abc1234def567890"), {
    subcommand: "reboot",
    name: "i-0abc1234def567890",
    dryRun: true,
  });
});

Deno.test("Slack text: names with spaces, odd spacing, case of the subcommand, dashes Slack typed", () => {
  assertEquals(parseCommandText("  STATUS   build   box \t"), {
    subcommand: "status",
    name: "build box",
  });
  assertEquals(parseCommandText("start Web-1 \u2014dry-run"), {
    subcommand: "start",
    name: "Web-1",
    dryRun: true,
  });
  assertEquals(parseCommandText("stop web \u2013dry-run").subcommand, "stop");
});

Deno.test("Slack text: unknown subcommands, missing names and stray options are refused with help", () => {
  assertEquals(
    refused(() => parseCommandText("destroy web-1")),
    'Unknown command "destroy"; use one of list, status, start, stop, reboot, help',
  );
  assertEquals(refused(() => parseCommandText("start")), '"start" needs an instance name or id');
  assertEquals(
    refused(() => parseCommandText("status --dry-run")),
    '"status" needs an instance name or id',
  );
  assertEquals(refused(() => parseCommandText("list web")), '"list" takes no name');
  assertEquals(
    refused(() => parseCommandText("list --dry-run")),
    "--dry-run is only for start, stop and reboot",
  );
  assertEquals(
    refused(() => parseCommandText("stop web --force")),
    'Unknown option "--force"; the only option is --dry-run',
  );
  assertStringIncludes(refused(() => parseCommandText(`status ${"x".repeat(400)}`)), "longer than");
});

Deno.test("Slack text: a long unknown word is cut short in the message", () => {
  const message = refused(() => parseCommandText(`${"z".repeat(200)}\u0007 web`));
  assertEquals(message.length < 120, true, message);
});

Deno.test("a long text is parsed in linear time", () => {
  // Words and spaces alternating up to the limit: a backtracking parser would stall here.
  const text = "status " + "a ".repeat(146);
  assertEquals(parseCommandText(text), { subcommand: "status", name: "a ".repeat(146).trim() });
});

const sub = (name: string, options?: unknown[]) => [{ type: 1, name, options }];

Deno.test("Discord options: every subcommand and the name and dry_run options", () => {
  assertEquals(parseDiscordOptions(sub("list")), { subcommand: "list" });
  assertEquals(parseDiscordOptions(sub("help", [])), { subcommand: "help" });
  assertEquals(parseDiscordOptions(sub("status", [{ type: 3, name: "name", value: " web  1 " }])), {
    subcommand: "status",
    name: "web 1",
  });
  assertEquals(
    parseDiscordOptions(
      sub("stop", [{ type: 3, name: "name", value: "web" }, {
        type: 5,
        name: "dry_run",
        value: true,
      }]),
    ),
    { subcommand: "stop", name: "web", dryRun: true },
  );
  assertEquals(parseDiscordOptions(sub("start", [{ type: 3, name: "name", value: "web" }])), {
    subcommand: "start",
    name: "web",
    dryRun: false,
  });
});

Deno.test("Discord options: shapes not of the registered command are refused", () => {
  for (
    const options of [
      undefined,
      [],
      [{ type: 3, name: "name", value: "web" }],
      sub("list").concat(sub("help")),
      sub("status", [{ type: 4, name: "name", value: 3 }]),
      sub("status", [{ type: 3, name: "region", value: "us-west-2" }]),
      sub("start", [{ type: 3, name: "name", value: "web" }, {
        type: 5,
        name: "dry_run",
        value: "yes",
      }]),
      [{ type: 1, name: "start", options: "web" }],
      [null],
    ]
  ) {
    refused(() => parseDiscordOptions(options));
  }
  assertEquals(
    refused(() => parseDiscordOptions(sub("terminate", [{ type: 3, name: "name", value: "web" }]))),
    'Unknown command "terminate"; use one of list, status, start, stop, reboot, help',
  );
  assertEquals(
    refused(() => parseDiscordOptions(sub("reboot"))),
    '"reboot" needs an instance name or id',
  );
});
