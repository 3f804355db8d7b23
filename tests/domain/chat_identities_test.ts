import { assertEquals, assertThrows } from "@std/assert";
import {
  type ChatEntry,
  checkChatIdentities,
  discordEntry,
  parseChatIdentities,
  slackEntry,
} from "../../src/domain/chat_identities.ts";

function entry(name: string, fields: Record<string, unknown>): ChatEntry {
  return { name, chat: parseChatIdentities(fields, `entry ("${name}")`) };
}

const ENTRIES = [
  entry("web-team", { slack_users: ["U2CERLKJA", "W0123ABCD"], slack_teams: ["T1DC2JH3J"] }),
  entry("whole-workspace", { slack_teams: ["T1DC2JH3J", "T0OTHER01"] }),
  entry("ci", { key: "x", regions: ["us-west-2"] }),
  entry("discord-ops", { discord_users: ["80351110224678912"] }),
  entry("discord-role", { discord_roles: ["1182000000000000001", "1182000000000000002"] }),
];

Deno.test("a Slack user listed with their team acts as that entry", () => {
  assertEquals(slackEntry(ENTRIES, { userId: "U2CERLKJA", teamId: "T1DC2JH3J" })?.name, "web-team");
  assertEquals(slackEntry(ENTRIES, { userId: "W0123ABCD", teamId: "T1DC2JH3J" })?.name, "web-team");
});

Deno.test("a listed Slack user in another team is not that entry; a team-wide entry may be", () => {
  assertEquals(
    slackEntry(ENTRIES, { userId: "U2CERLKJA", teamId: "T0OTHER01" })?.name,
    "whole-workspace",
  );
  assertEquals(slackEntry(ENTRIES, { userId: "U2CERLKJA", teamId: "T0NOBODY1" }), null);
  assertEquals(
    slackEntry(ENTRIES, { userId: "U0SOMEONE", teamId: "T1DC2JH3J" })?.name,
    "whole-workspace",
  );
  assertEquals(slackEntry(ENTRIES.slice(2), { userId: "U2CERLKJA", teamId: "T1DC2JH3J" }), null);
});

Deno.test("a Discord user listed by id wins over a role; a role names its members", () => {
  const both = [ENTRIES[4], ENTRIES[3]];
  assertEquals(
    discordEntry(both, { userId: "80351110224678912", roles: ["1182000000000000001"] })?.name,
    "discord-ops",
  );
  assertEquals(
    discordEntry(ENTRIES, { userId: "99999999999999999", roles: ["5", "1182000000000000002"] })
      ?.name,
    "discord-role",
  );
  assertEquals(discordEntry(ENTRIES, { userId: "99999999999999999", roles: [] }), null);
});

Deno.test("entries without chat fields name nobody", () => {
  assertEquals(ENTRIES[2].chat, {
    slackUsers: null,
    slackTeams: null,
    discordUsers: null,
    discordRoles: null,
  });
});

Deno.test("malformed chat fields are refused, naming the entry and the field", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ slack_users: [] }, '"slack_users" must be a non-empty list of ids; leave it out for none'],
    [{ slack_users: "U2CERLKJA" }, '"slack_users" must be a non-empty list'],
    [{ slack_users: ["u2cerlkja"] }, '"slack_users" has "u2cerlkja", which is not a Slack user id'],
    [{ slack_teams: ["U2CERLKJA"] }, '"slack_teams" has "U2CERLKJA", which is not a Slack team id'],
    [{ discord_users: [80351110224678912] }, '"discord_users" has a number, which is not'],
    [
      { discord_roles: ["@admins"] },
      '"discord_roles" has "@admins", which is not a Discord role id',
    ],
  ];
  for (const [fields, message] of cases) {
    const error = assertThrows(() => parseChatIdentities(fields, 'entry 3 ("ops")'), TypeError);
    assertEquals(error.message.startsWith(`entry 3 ("ops"): ${message}`), true, error.message);
  }
});

Deno.test("a user listed by two entries is refused; shared teams and roles are not", () => {
  const error = assertThrows(
    () =>
      checkChatIdentities([
        entry("a", { slack_users: ["U2CERLKJA"] }),
        entry("b", { slack_users: ["U2CERLKJA"] }),
      ]),
    TypeError,
  );
  assertEquals(
    error.message,
    'Slack user "U2CERLKJA" is listed by both "a" and "b"; list them in one entry',
  );
  assertThrows(
    () =>
      checkChatIdentities([
        entry("a", { discord_users: ["80351110224678912"] }),
        entry("b", { discord_users: ["80351110224678912"] }),
      ]),
    TypeError,
  );
  checkChatIdentities([
    entry("a", { slack_teams: ["T1DC2JH3J"], discord_roles: ["1182000000000000001"] }),
    entry("b", { slack_teams: ["T1DC2JH3J"], discord_roles: ["1182000000000000001"] }),
  ]);
});
