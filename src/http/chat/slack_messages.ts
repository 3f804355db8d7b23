/**
 * Slack's side of the chat commands: the Block Kit messages the service answers
 * with, and readers of the two kinds of request Slack sends (a slash command,
 * a button press). Messages show only the facts of {@linkcode ChatInstance};
 * no tag but `Name` and `start_time`, no key, no secret.
 *
 * @see https://api.slack.com/reference/block-kit/blocks
 * @see https://api.slack.com/interactivity/slash-commands
 * @see https://api.slack.com/reference/interaction-payloads/block-actions
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

/** Slack shows at most 50 blocks in a message; a list keeps room for its header and footer. */
export const SLACK_LIST_LIMIT = 45;
const HEADER_LIMIT = 150;
const SLACK_ID_PATTERN = /^[A-Z0-9]{2,32}$/;
// Slack posts response URLs on its own hosts; refusing others keeps a forged
// body (were the secret ever leaked) from steering our outbound posts.
const RESPONSE_URL_HOST_PATTERN = /(^|\.)slack(-gov)?\.com$/;

/** Who may see a message: everyone in the channel, or only the user who asked. */
export type SlackVisibility = "in_channel" | "ephemeral";

/** A message as Slack takes it in a response or a post to `response_url`. */
export interface SlackMessage {
  response_type: SlackVisibility;
  /** The plain text notifications and screen readers show. */
  text: string;
  blocks?: unknown[];
  /** For a post to a button's `response_url`: replace the message the button was on. */
  replace_original?: boolean;
}

/** What a slash command request says. */
export interface SlackCommand {
  teamId: string;
  userId: string;
  /** The user's name, for audit lines only; Slack is phasing it out and it may be empty. */
  userName: string;
  /** The command as typed, e.g. `/workwork`. */
  command: string;
  /** The words after the command. */
  text: string;
  responseUrl: string;
}

/** What a button press says. */
export interface SlackInteraction {
  teamId: string;
  userId: string;
  userName: string;
  responseUrl: string;
  target: ChatActionTarget;
}

const LABELS: Record<InstanceAction, string> = { start: "Start", stop: "Stop", reboot: "Reboot" };

/**
 * One instance: its name as the header, its facts as fields, and a button for
 * each change its state allows and `allowed` grants. Stop and reboot ask first.
 */
export function slackInstanceMessage(
  instance: ChatInstance,
  options: {
    allowed: (action: InstanceAction) => boolean;
    /** A line under the facts, e.g. what just happened. */
    note?: string;
    visibility?: SlackVisibility;
  },
): SlackMessage {
  const title = instance.name ?? instance.id;
  const blocks: unknown[] = [
    { type: "header", text: plain(clip(title, HEADER_LIMIT)) },
    {
      type: "section",
      fields: [
        field("Instance", `\`${instance.id}\``),
        field("Region", instance.region),
        field("State", instance.state),
        field("Type", instance.type),
        field("Address", instance.address ?? "none"),
        field("Started", instance.startTime ?? "not running"),
      ],
    },
  ];
  if (options.note) blocks.push({ type: "context", elements: [mrkdwn(escape(options.note))] });
  const buttons = offeredActions(instance.state).filter(options.allowed).map((action) =>
    button(instance, action)
  );
  if (buttons.length) blocks.push({ type: "actions", block_id: "workwork", elements: buttons });
  return {
    response_type: options.visibility ?? "in_channel",
    text: escape(
      `${title} (${instance.id}, ${instance.region}) is ${instance.state}` +
        (options.note ? `. ${options.note}` : ""),
    ),
    blocks,
  };
}

/** Several instances, one line each, cut at {@linkcode SLACK_LIST_LIMIT}. */
export function slackListMessage(
  instances: readonly ChatInstance[],
  options: { visibility?: SlackVisibility; note?: string } = {},
): SlackMessage {
  const shown = instances.slice(0, SLACK_LIST_LIMIT);
  const blocks: unknown[] = shown.map((instance) => ({
    type: "section",
    text: mrkdwn(
      `*${escape(instance.name ?? "(no name)")}* \`${instance.id}\`\n` +
        `${instance.region} · ${escape(instance.state)} · ${escape(instance.type)}`,
    ),
  }));
  const more = instances.length - shown.length;
  if (more > 0) {
    blocks.push({
      type: "context",
      elements: [mrkdwn(`…and ${more} more; ask for one with \`/workwork status NAME\``)],
    });
  }
  const count = `${instances.length} instance${instances.length === 1 ? "" : "s"}`;
  if (instances.length === 0) blocks.push({ type: "section", text: mrkdwn("No instances.") });
  if (options.note) {
    blocks.push({ type: "context", elements: [mrkdwn(clip(escape(options.note), 3000))] });
  }
  return { response_type: options.visibility ?? "ephemeral", text: count, blocks };
}

/** The answer to a name that matched several instances or none: the candidates, privately. */
export function slackLookupMessage(
  query: string,
  lookup: Exclude<InstanceLookup, { status: "found" }>,
): SlackMessage {
  const head = lookup.status === "ambiguous"
    ? `"${query}" names ${lookup.total} instances; use the id:`
    : lookup.candidates.length
    ? `No instance is named "${query}". Did you mean one of these?`
    : `No instance is named "${query}", and there are none you may see.`;
  const lines = lookup.candidates.map((c) =>
    `• *${escape(c.name ?? "(no name)")}* \`${c.id}\` ${c.region} (${escape(c.state)})`
  );
  if (lookup.total > lookup.candidates.length) {
    lines.push(`…and ${lookup.total - lookup.candidates.length} more`);
  }
  const text = [escape(head), ...lines].join("\n");
  return {
    response_type: "ephemeral",
    text: escape(head),
    blocks: [{ type: "section", text: mrkdwn(clip(text, 3000)) }],
  };
}

/** A plain answer: help, a refusal, an error. Private unless said otherwise. */
export function slackTextMessage(
  text: string,
  options: { visibility?: SlackVisibility } = {},
): SlackMessage {
  return { response_type: options.visibility ?? "ephemeral", text: clip(escape(text), 3000) };
}

/**
 * Reads a slash command request (`application/x-www-form-urlencoded`).
 *
 * @throws {ChatRequestError} `payload` when a field is missing or malformed; `too_large` past the limit
 */
export function parseSlackCommand(body: string | Uint8Array): SlackCommand {
  const form = readForm(body);
  const command = form.get("command");
  const text = form.get("text");
  if (command === null || !command.startsWith("/") || text === null) {
    throw new ChatRequestError("payload", "Slack command request lacks command or text");
  }
  return {
    teamId: slackId(form.get("team_id"), "team_id"),
    userId: slackId(form.get("user_id"), "user_id"),
    userName: form.get("user_name") ?? "",
    command,
    text,
    responseUrl: responseUrl(form.get("response_url")),
  };
}

/**
 * Reads a `block_actions` request: the `payload` form field, JSON, whose first
 * action is one of the buttons {@linkcode slackInstanceMessage} made.
 *
 * @throws {ChatRequestError} `payload` when it is not such a request; `too_large` past the limit
 */
export function parseSlackInteraction(body: string | Uint8Array): SlackInteraction {
  const raw = readForm(body).get("payload");
  if (raw === null) throw new ChatRequestError("payload", "Slack interaction lacks its payload");
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(raw);
  } catch {
    throw new ChatRequestError("payload", "Slack interaction payload is not JSON");
  }
  if (typeof payload !== "object" || payload === null || payload.type !== "block_actions") {
    throw new ChatRequestError("payload", "Slack interaction is not a block_actions payload");
  }
  const user = record(payload.user);
  const team = record(payload.team);
  const actions = Array.isArray(payload.actions) ? payload.actions : [];
  const action = record(actions[0]);
  return {
    teamId: slackId(team.id ?? user.team_id, "team.id"),
    userId: slackId(user.id, "user.id"),
    userName: typeof user.username === "string" ? user.username : "",
    responseUrl: responseUrl(payload.response_url),
    target: decodeChatAction(action.action_id),
  };
}

function button(instance: ChatInstance, action: InstanceAction): unknown {
  // Slack asks in its own dialog before it sends the press, so the press is confirmed.
  const id = encodeChatAction({
    region: instance.region,
    id: instance.id,
    action,
    confirmed: true,
  });
  const element: Record<string, unknown> = {
    type: "button",
    text: plain(LABELS[action]),
    action_id: id,
    value: id,
  };
  if (action === "start") element.style = "primary";
  if (action !== "start") {
    element.style = "danger";
    const name = clip(instance.name ?? instance.id, 100);
    element.confirm = {
      title: plain(`${LABELS[action]} this instance?`),
      text: plain(
        clip(
          `${LABELS[action]} ${name} (${instance.id}) in ${instance.region}?` +
            (action === "stop" ? " Whatever runs on it stops." : " It restarts at once."),
          300,
        ),
      ),
      confirm: plain(LABELS[action]),
      deny: plain("Cancel"),
      style: "danger",
    };
  }
  return element;
}

function readForm(body: string | Uint8Array): URLSearchParams {
  const size = typeof body === "string" ? body.length : body.byteLength;
  if (size > CHAT_BODY_LIMIT_BYTES) {
    throw new ChatRequestError(
      "too_large",
      `Request body is larger than ${CHAT_BODY_LIMIT_BYTES} bytes`,
    );
  }
  return new URLSearchParams(typeof body === "string" ? body : new TextDecoder().decode(body));
}

function slackId(value: unknown, field: string): string {
  if (typeof value !== "string" || !SLACK_ID_PATTERN.test(value)) {
    throw new ChatRequestError("payload", `Slack request has no valid ${field}`);
  }
  return value;
}

function responseUrl(value: unknown): string {
  let url: URL | null = null;
  try {
    url = typeof value === "string" ? new URL(value) : null;
  } catch {
    url = null;
  }
  if (!url || url.protocol !== "https:" || !RESPONSE_URL_HOST_PATTERN.test(url.hostname)) {
    throw new ChatRequestError(
      "payload",
      "Slack request has no valid response_url on a Slack host",
    );
  }
  return url.href;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? value as Record<string, unknown> : {};
}

function field(label: string, value: string): unknown {
  return mrkdwn(`*${label}*\n${escape(value)}`);
}

function plain(text: string): unknown {
  return { type: "plain_text", text, emoji: false };
}

function mrkdwn(text: string): unknown {
  return { type: "mrkdwn", text };
}

/** Slack's three control characters, so a tag cannot mention `<!channel>` or link. */
function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
