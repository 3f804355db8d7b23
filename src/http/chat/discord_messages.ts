/**
 * Discord's side of the chat commands: interaction responses (PONG, a message,
 * a deferred answer, an update of the message a button was on), the messages
 * with buttons, and a reader of the interactions Discord posts. Messages show
 * only the facts of {@linkcode ChatInstance}, and mention nobody.
 *
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding
 * @see https://discord.com/developers/docs/components/reference
 * @module
 */
import type { InstanceLookup } from "../../domain/instance_names.ts";
import type { InstanceAction } from "../../domain/instances.ts";
import {
  type ChatActionTarget,
  type ChatInstance,
  decodeChatAction,
  encodeChatAction,
  offeredActions,
} from "./chat_instance.ts";
import { CHAT_BODY_LIMIT_BYTES, ChatRequestError } from "./errors.ts";

/** The message flag that shows a message only to the user who asked. */
export const DISCORD_EPHEMERAL = 1 << 6;
/** Interaction response types this service sends. */
export const DISCORD_RESPONSE = {
  PONG: 1,
  CHANNEL_MESSAGE: 4,
  DEFERRED_CHANNEL_MESSAGE: 5,
  DEFERRED_UPDATE_MESSAGE: 6,
  UPDATE_MESSAGE: 7,
} as const;
/** Discord's limit on `custom_id`. */
export const DISCORD_CUSTOM_ID_LIMIT = 100;
/** Embed fields a list shows at most (Discord's limit is 25). */
export const DISCORD_LIST_LIMIT = 25;
const SNOWFLAKE_PATTERN = /^\d{1,20}$/;
const BUTTON = { ACTION_ROW: 1, BUTTON: 2 } as const;
const STYLE = { PRIMARY: 1, SECONDARY: 2, DANGER: 4 } as const;
const LABELS: Record<InstanceAction, string> = { start: "Start", stop: "Stop", reboot: "Reboot" };

/** The `data` of a message response, or the body of an edit through the webhook. */
export interface DiscordMessageData {
  content?: string;
  embeds?: unknown[];
  components?: unknown[];
  flags?: number;
  /** Always `{ parse: [] }`: a tag's `@everyone` mentions nobody. */
  allowed_mentions: { parse: never[] };
}

/** An interaction response. */
export interface DiscordResponse {
  type: typeof DISCORD_RESPONSE[keyof typeof DISCORD_RESPONSE];
  data?: DiscordMessageData | { flags: number };
}

/** Who pressed or typed: the user and, in a server, their roles. */
export interface DiscordInvoker {
  userId: string;
  /** Role ids in the server; empty in a direct message. */
  roles: string[];
  /** The server, or null in a direct message. */
  guildId: string | null;
}

/** An interaction, as far as this service reads it. */
export type DiscordInteraction =
  | { kind: "ping" }
  | {
    kind: "command";
    applicationId: string;
    token: string;
    invoker: DiscordInvoker;
    /** The command's name, `workwork` when registered by this service. */
    name: string;
    /** The options, for {@linkcode parseDiscordOptions} of `domain/chat_commands.ts`. */
    options: unknown;
  }
  | {
    kind: "component";
    applicationId: string;
    token: string;
    invoker: DiscordInvoker;
    target: ChatActionTarget;
  };

/** The answer to Discord's PING. */
export function discordPong(): DiscordResponse {
  return { type: DISCORD_RESPONSE.PONG };
}

/** A message now; ephemeral ones (refusals, help, candidates) only the asker sees. */
export function discordReply(data: DiscordMessageData, options: { ephemeral?: boolean } = {}) {
  return {
    type: DISCORD_RESPONSE.CHANNEL_MESSAGE,
    data: options.ephemeral ? { ...data, flags: (data.flags ?? 0) | DISCORD_EPHEMERAL } : data,
  } satisfies DiscordResponse;
}

/** "Thinking…" now, the message later through the interaction's webhook. */
export function discordDeferred(options: { ephemeral?: boolean } = {}): DiscordResponse {
  return options.ephemeral
    ? { type: DISCORD_RESPONSE.DEFERRED_CHANNEL_MESSAGE, data: { flags: DISCORD_EPHEMERAL } }
    : { type: DISCORD_RESPONSE.DEFERRED_CHANNEL_MESSAGE };
}

/** For a button press: replace the message the button was on. */
export function discordUpdate(data: DiscordMessageData): DiscordResponse {
  return { type: DISCORD_RESPONSE.UPDATE_MESSAGE, data };
}

/**
 * The URL that edits a deferred answer: PATCH with a {@linkcode DiscordMessageData}
 * body. The token is the interaction's, valid for 15 minutes.
 */
export function discordOriginalMessageUrl(
  applicationId: string,
  token: string,
  baseUrl = "https://discord.com/api/v10",
): string {
  return `${baseUrl}/webhooks/${applicationId}/${encodeURIComponent(token)}/messages/@original`;
}

/**
 * One instance as an embed, with a button for each change its state allows and
 * `allowed` grants. Discord has no confirmation dialog: stop and reboot buttons
 * lead to {@linkcode discordConfirmMessage} first.
 */
export function discordInstanceMessage(
  instance: ChatInstance,
  options: { allowed: (action: InstanceAction) => boolean; note?: string },
): DiscordMessageData {
  const embed: Record<string, unknown> = {
    title: clip(escape(instance.name ?? instance.id), 256),
    fields: [
      inline("Instance", `\`${instance.id}\``),
      inline("Region", instance.region),
      inline("State", escape(instance.state)),
      inline("Type", escape(instance.type)),
      inline("Address", escape(instance.address ?? "none")),
      inline("Started", escape(instance.startTime ?? "not running")),
    ],
  };
  if (options.note) embed.description = clip(escape(options.note), 4000);
  const buttons = offeredActions(instance.state).filter(options.allowed).map((action) => ({
    type: BUTTON.BUTTON,
    style: action === "start" ? STYLE.PRIMARY : action === "stop" ? STYLE.DANGER : STYLE.SECONDARY,
    label: LABELS[action],
    custom_id: encodeChatAction({
      region: instance.region,
      id: instance.id,
      action,
      confirmed: action === "start",
    }),
  }));
  return {
    embeds: [embed],
    components: buttons.length ? [{ type: BUTTON.ACTION_ROW, components: buttons }] : [],
    allowed_mentions: { parse: [] },
  };
}

/** The question a stop or reboot button asks, privately, with the button that does it. */
export function discordConfirmMessage(
  target: Omit<ChatActionTarget, "confirmed">,
  name: string | null,
): DiscordMessageData {
  const label = LABELS[target.action];
  return {
    content: clip(
      `${label} **${escape(name ?? target.id)}** (\`${target.id}\`) in ${target.region}?`,
      2000,
    ),
    components: [{
      type: BUTTON.ACTION_ROW,
      components: [{
        type: BUTTON.BUTTON,
        style: STYLE.DANGER,
        label: `${label} it`,
        custom_id: encodeChatAction({ ...target, confirmed: true }),
      }],
    }],
    flags: DISCORD_EPHEMERAL,
    allowed_mentions: { parse: [] },
  };
}

/** Several instances, one embed field each, cut at {@linkcode DISCORD_LIST_LIMIT}. */
export function discordListMessage(
  instances: readonly ChatInstance[],
  options: { note?: string } = {},
): DiscordMessageData {
  const shown = instances.slice(0, DISCORD_LIST_LIMIT);
  const more = instances.length - shown.length;
  const count = `${instances.length} instance${instances.length === 1 ? "" : "s"}`;
  const head = instances.length ? count : "No instances.";
  return {
    content: options.note ? clip(`${head}\n${escape(options.note)}`, 2000) : head,
    embeds: shown.length
      ? [{
        fields: shown.map((instance) => ({
          name: clip(escape(instance.name ?? "(no name)"), 256),
          value: `\`${instance.id}\` ${instance.region} · ${escape(instance.state)} · ${
            escape(instance.type)
          }`,
        })),
        ...(more > 0 ? { footer: { text: `…and ${more} more; ask for one by name` } } : {}),
      }]
      : [],
    allowed_mentions: { parse: [] },
  };
}

/** The answer to a name that matched several instances or none: the candidates. */
export function discordLookupMessage(
  query: string,
  lookup: Exclude<InstanceLookup, { status: "found" }>,
): DiscordMessageData {
  const shown = escape(query);
  const head = lookup.status === "ambiguous"
    ? `"${shown}" names ${lookup.total} instances; use the id:`
    : lookup.candidates.length
    ? `No instance is named "${shown}". Did you mean one of these?`
    : `No instance is named "${shown}", and there are none you may see.`;
  const lines = lookup.candidates.map((c) =>
    `- **${escape(c.name ?? "(no name)")}** \`${c.id}\` ${c.region} (${escape(c.state)})`
  );
  if (lookup.total > lookup.candidates.length) {
    lines.push(`…and ${lookup.total - lookup.candidates.length} more`);
  }
  return { content: clip([head, ...lines].join("\n"), 2000), allowed_mentions: { parse: [] } };
}

/** A plain message: help, a refusal, an error. */
export function discordTextMessage(text: string): DiscordMessageData {
  return { content: clip(escape(text), 2000), allowed_mentions: { parse: [] } };
}

/**
 * Reads an interaction Discord posted (after its signature was verified):
 * PING (1), an application command (2) or a button press (3).
 *
 * @throws {ChatRequestError} `payload` when it is not one of those; `too_large` past the limit
 */
export function parseDiscordInteraction(body: string | Uint8Array): DiscordInteraction {
  const size = typeof body === "string" ? body.length : body.byteLength;
  if (size > CHAT_BODY_LIMIT_BYTES) {
    throw new ChatRequestError(
      "too_large",
      `Request body is larger than ${CHAT_BODY_LIMIT_BYTES} bytes`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(typeof body === "string" ? body : new TextDecoder().decode(body));
  } catch {
    throw new ChatRequestError("payload", "Discord interaction is not JSON");
  }
  const interaction = record(value);
  if (interaction.type === 1) return { kind: "ping" };
  if (interaction.type !== 2 && interaction.type !== 3) {
    throw new ChatRequestError(
      "payload",
      typeof interaction.type === "number"
        ? `Discord interaction type ${interaction.type} is not handled`
        : "Discord interaction has no type",
    );
  }
  const applicationId = snowflake(interaction.application_id, "application_id");
  const token = interaction.token;
  if (typeof token !== "string" || token === "" || token.length > 500) {
    throw new ChatRequestError("payload", "Discord interaction has no token");
  }
  const invoker = readInvoker(interaction);
  const data = record(interaction.data);
  if (interaction.type === 2) {
    if (typeof data.name !== "string") {
      throw new ChatRequestError("payload", "Discord command interaction has no command name");
    }
    return {
      kind: "command",
      applicationId,
      token,
      invoker,
      name: data.name,
      options: data.options,
    };
  }
  if (data.component_type !== BUTTON.BUTTON) {
    throw new ChatRequestError("payload", "Discord component interaction is not a button");
  }
  return {
    kind: "component",
    applicationId,
    token,
    invoker,
    target: decodeChatAction(data.custom_id),
  };
}

function readInvoker(interaction: Record<string, unknown>): DiscordInvoker {
  const member = record(interaction.member);
  const user = record(member.user ?? interaction.user);
  const roles = member.roles ?? [];
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === "string")) {
    throw new ChatRequestError("payload", "Discord interaction has malformed member roles");
  }
  return {
    userId: snowflake(user.id, "user id"),
    roles,
    guildId: interaction.guild_id === undefined
      ? null
      : snowflake(interaction.guild_id, "guild_id"),
  };
}

function snowflake(value: unknown, field: string): string {
  if (typeof value !== "string" || !SNOWFLAKE_PATTERN.test(value)) {
    throw new ChatRequestError("payload", `Discord interaction has no valid ${field}`);
  }
  return value;
}

function inline(name: string, value: string): unknown {
  return { name, value: clip(value, 1024), inline: true };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

/** Discord's markdown characters, so a tag shows as written and formats nothing. */
function escape(text: string): string {
  return text.replace(/[\\`*_~|>#[\]()-]/g, "\\$&");
}

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
