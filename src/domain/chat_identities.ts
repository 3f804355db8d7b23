/**
 * Who may use the chat commands: the ids an `API_KEYS` entry may list
 * (`slack_users`, `slack_teams`, `discord_users`, `discord_roles`), and the
 * lookup of the entry a chat user acts as.
 *
 * ```json
 * { "name": "ops", "key_sha256": "…", "actions": ["read", "start"],
 *   "slack_users": ["U2CERLKJA"], "slack_teams": ["T1DC2JH3J"],
 *   "discord_users": ["80351110224678912"], "discord_roles": ["1182000000000000001"] }
 * ```
 *
 * Errors name the entry and the field, as `api_keys.ts` does.
 *
 * @module
 */

/** The fields of an `API_KEYS` entry this module reads. */
export const CHAT_IDENTITY_FIELDS = [
  "slack_users",
  "slack_teams",
  "discord_users",
  "discord_roles",
] as const;

const PATTERNS: Record<typeof CHAT_IDENTITY_FIELDS[number], [RegExp, string]> = {
  // U… in a workspace, W… in an Enterprise Grid org.
  slack_users: [/^[UW][A-Z0-9]{2,20}$/, "a Slack user id (U… or W…)"],
  // T… for a workspace, E… for an Enterprise Grid org.
  slack_teams: [/^[TE][A-Z0-9]{2,20}$/, "a Slack team id (T… or E…)"],
  discord_users: [/^\d{15,20}$/, "a Discord user id (15 to 20 digits)"],
  discord_roles: [/^\d{15,20}$/, "a Discord role id (15 to 20 digits)"],
};

/** The chat ids of one entry; null where the entry lists none. */
export interface ChatIdentities {
  slackUsers: ReadonlySet<string> | null;
  slackTeams: ReadonlySet<string> | null;
  discordUsers: ReadonlySet<string> | null;
  discordRoles: ReadonlySet<string> | null;
}

/** An entry as the lookups need it: its name (for the audit line) and its chat ids. */
export interface ChatEntry {
  name: string;
  chat: ChatIdentities;
}

/**
 * Reads the chat fields of one `API_KEYS` entry, given as a plain object;
 * other fields are left to `api_keys.ts`. `at` names the entry in errors,
 * e.g. `entry 2 ("ops")`.
 *
 * @throws {TypeError} when a field is not a non-empty list of ids of its kind
 */
export function parseChatIdentities(fields: Record<string, unknown>, at: string): ChatIdentities {
  const read = (field: typeof CHAT_IDENTITY_FIELDS[number]): ReadonlySet<string> | null => {
    const value = fields[field];
    if (value === undefined) return null;
    if (!Array.isArray(value) || value.length === 0) {
      throw new TypeError(
        `${at}: "${field}" must be a non-empty list of ids; leave it out for none`,
      );
    }
    const [pattern, expected] = PATTERNS[field];
    for (const item of value) {
      if (typeof item !== "string" || !pattern.test(item)) {
        const shown = typeof item === "string"
          ? `"${item.length > 24 ? `${item.slice(0, 24)}…` : item}"`
          : `a ${typeof item}`;
        throw new TypeError(`${at}: "${field}" has ${shown}, which is not ${expected}`);
      }
    }
    return new Set(value);
  };
  const identities = {
    slackUsers: read("slack_users"),
    slackTeams: read("slack_teams"),
    discordUsers: read("discord_users"),
    discordRoles: read("discord_roles"),
  };
  return identities;
}

/**
 * Refuses a Slack or Discord user listed by two entries: which scope they act
 * with would depend on the order of `API_KEYS`.
 *
 * @throws {TypeError} naming the user's id and both entries
 */
export function checkChatIdentities(entries: readonly ChatEntry[]): void {
  for (
    const [kind, pick] of [
      ["Slack user", (chat: ChatIdentities) => chat.slackUsers],
      ["Discord user", (chat: ChatIdentities) => chat.discordUsers],
    ] as const
  ) {
    const owner = new Map<string, string>();
    for (const entry of entries) {
      for (const id of pick(entry.chat) ?? []) {
        const first = owner.get(id);
        if (first !== undefined) {
          throw new TypeError(
            `${kind} "${id}" is listed by both "${first}" and "${entry.name}"; list them in one entry`,
          );
        }
        owner.set(id, entry.name);
      }
    }
  }
}

/**
 * The entry a Slack user acts as. An entry names the user when its
 * `slack_users` lists them and its `slack_teams`, if any, lists their team; an
 * entry with `slack_teams` but no `slack_users` names everyone in those teams.
 * An entry naming the user by id wins over one naming their whole team; among
 * those, the first in `API_KEYS`. Null when none names them.
 */
export function slackEntry<T extends ChatEntry>(
  entries: readonly T[],
  who: { userId: string; teamId: string },
): T | null {
  const inTeam = (chat: ChatIdentities) => !chat.slackTeams || chat.slackTeams.has(who.teamId);
  return entries.find(({ chat }) => chat.slackUsers?.has(who.userId) && inTeam(chat)) ??
    entries.find(({ chat }) => !chat.slackUsers && chat.slackTeams?.has(who.teamId)) ??
    null;
}

/**
 * The entry a Discord user acts as: one whose `discord_users` lists them, else
 * the first whose `discord_roles` lists one of their roles. Null when none does.
 */
export function discordEntry<T extends ChatEntry>(
  entries: readonly T[],
  who: { userId: string; roles: readonly string[] },
): T | null {
  return entries.find(({ chat }) => chat.discordUsers?.has(who.userId)) ??
    entries.find(({ chat }) => who.roles.some((role) => chat.discordRoles?.has(role))) ??
    null;
}
