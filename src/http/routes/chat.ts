/**
 * The chat routes: `POST /slack/commands`, `POST /slack/interactions` (Slack,
 * on when `SLACK_SIGNING_SECRET` is set) and `POST /discord/interactions`
 * (Discord, on when `DISCORD_PUBLIC_KEY` is set). Each request is verified
 * before anything else, answered at once, and the outcome of any EC2 work is
 * posted after the answer: to Slack's `response_url`, or as an edit of
 * Discord's deferred answer through the interaction's webhook.
 *
 * @module
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import type { Ec2Client } from "../../aws/ec2.ts";
import type { InstanceChangeQueue } from "../../domain/change_queue.ts";
import {
  CHAT_HELP_TEXT,
  type ChatCommand,
  ChatCommandError,
  parseCommandText,
  parseDiscordOptions,
} from "../../domain/chat_commands.ts";
import { type ChatEntry, discordEntry, slackEntry } from "../../domain/chat_identities.ts";
import type { ApiKeyEntry } from "../../domain/keys.ts";
import type { Notifier } from "../../domain/notify.ts";
import {
  buttonDenial,
  type ChatActor,
  type ChatAnswer,
  type ChatRunDeps,
  runChatButton,
  runChatCommand,
} from "../chat/chat_run.ts";
import { DISCORD_API_URL, DISCORD_COMMAND_NAME } from "../chat/discord_register.ts";
import {
  DISCORD_EPHEMERAL,
  DISCORD_RESPONSE,
  discordConfirmMessage,
  discordDeferred,
  discordInstanceMessage,
  discordListMessage,
  discordLookupMessage,
  type DiscordMessageData,
  discordOriginalMessageUrl,
  discordPong,
  discordReply,
  discordTextMessage,
  parseDiscordInteraction,
} from "../chat/discord_messages.ts";
import {
  DISCORD_MAX_CLOCK_SKEW_SECONDS,
  discordSignedHeaders,
  importDiscordPublicKey,
  verifyDiscordRequest,
} from "../chat/discord_verify.ts";
import { ChatRequestError, readChatBody } from "../chat/errors.ts";
import {
  parseSlackCommand,
  parseSlackInteraction,
  slackInstanceMessage,
  slackListMessage,
  slackLookupMessage,
  type SlackMessage,
  slackTextMessage,
} from "../chat/slack_messages.ts";
import { createReplayGuard, refuseReplay } from "../chat/replay_guard.ts";
import {
  SLACK_MAX_CLOCK_SKEW_SECONDS,
  slackSignedHeaders,
  verifySlackRequest,
} from "../chat/slack_verify.ts";
import type { RegionSettings } from "../dashboard/listing.ts";
import type { AppContext, Env } from "../env.ts";
import { ApiError, toApiError } from "../errors.ts";
import { methodNotAllowed } from "../method_not_allowed.ts";
import type { ChatAudit } from "../middleware/audit.ts";
import { inBackground } from "./_common.ts";

/** Slack's slash command requests. */
export const SLACK_COMMANDS_PATH = "/slack/commands";
/** Slack's button presses. */
export const SLACK_INTERACTIONS_PATH = "/slack/interactions";
/** Discord's interactions: PING, the command, button presses. */
export const DISCORD_INTERACTIONS_PATH = "/discord/interactions";
/** Every chat path: they read their own bodies, up to `CHAT_BODY_LIMIT_BYTES`. */
export const CHAT_PATHS: ReadonlySet<string> = new Set([
  SLACK_COMMANDS_PATH,
  SLACK_INTERACTIONS_PATH,
  DISCORD_INTERACTIONS_PATH,
]);
/** How long a post to `response_url` or Discord's webhook may take. */
export const CHAT_POST_TIMEOUT_MS = 10_000;

const NOT_NAMED = "You are not named in any workwork API_KEYS entry, so you may not use it. " +
  "Ask whoever runs the service to add your id.";

/** What the chat routes need. */
export interface ChatRouteDeps {
  config: RegionSettings & {
    timeoutMs: number;
    slackSigningSecret?: string | null;
    discordPublicKey?: string | null;
  };
  /** The configured entries; those listing chat ids are the ones chat users act as. */
  keys: readonly ApiKeyEntry[];
  ec2: (c: AppContext) => Ec2Client;
  now: () => Date;
  changes: InstanceChangeQueue;
  notifier?: Notifier;
  /** Outbound fetch for `response_url` and Discord's webhook. */
  fetch: (request: Request) => Promise<Response>;
  /** Discord's API, `https://discord.com/api/v10`; another base only in tests. */
  discordApiUrl?: string;
  /** Where failed posts are reported; never with a URL or token. */
  log?: (line: string) => void;
}

type Entry = ChatEntry & ApiKeyEntry;

/** The chat routes that are configured; none when neither platform is. */
export function chatRoutes(deps: ChatRouteDeps): Hono<Env> {
  const app = new Hono<Env>();
  const { config, now } = deps;
  const entries = deps.keys.filter((entry): entry is Entry => entry.chat !== undefined);
  const secret = config.slackSigningSecret;
  if (secret) {
    // This app's own memory of accepted requests, so a replay within one isolate does nothing.
    const slackReplays = createReplayGuard({ windowSeconds: SLACK_MAX_CLOCK_SKEW_SECONDS });
    /**
     * Whether a verified request repeats one already accepted. Slack signs each
     * delivery anew, so a retry has a new signature and passes; should one marked
     * `X-Slack-Retry-Num` come byte-identical, it is answered 200 and does nothing
     * (true); any other repeat is refused with 401.
     */
    const slackRepeat = (
      c: AppContext,
      headers: { timestamp: string | null; signature: string | null },
    ): boolean => {
      try {
        refuseReplay(slackReplays, { platform: "Slack", ...headers }, now());
        return false;
      } catch (error) {
        if (c.req.header("x-slack-retry-num") === undefined) throw error;
        return true;
      }
    };
    app.post(SLACK_COMMANDS_PATH, (c) =>
      slackAnswer(c, async () => {
        const body = await readChatBody(c.req.raw);
        const headers = slackSignedHeaders(c.req.raw.headers);
        await verifySlackRequest(secret, { ...headers, body }, { now: now() });
        if (slackRepeat(c, headers)) return c.body(null, 200);
        // Slack checks the certificate of a command's URL now and then; the answer is a 200.
        if (isSslCheck(body)) return c.body(null, 200);
        const request = parseSlackCommand(body);
        const { userId, teamId } = request;
        const entry = slackEntry(entries, { userId, teamId });
        const audit = chatAudit(c, `slack:${userId}@${teamId}`, entry);
        if (!entry) return c.json(slackTextMessage(NOT_NAMED));
        const command = typedCommand(() => parseCommandText(request.text), audit);
        if (typeof command === "string") return c.json(slackTextMessage(command));
        const ec2 = ec2Or(c, audit);
        if (typeof ec2 === "string") return c.json(slackTextMessage(ec2));
        later(c, audit, ec2, async (run) => {
          const answer = await runChatCommand(run, actor(audit, entry), command);
          await postSlack(request.responseUrl, slackMessage(answer));
        });
        // Slack shows the command and, shortly after, what was posted to response_url.
        return c.body(null, 200);
      }));
    app.post(SLACK_INTERACTIONS_PATH, (c) =>
      slackAnswer(c, async () => {
        const body = await readChatBody(c.req.raw);
        const headers = slackSignedHeaders(c.req.raw.headers);
        await verifySlackRequest(secret, { ...headers, body }, { now: now() });
        if (slackRepeat(c, headers)) return c.body(null, 200);
        const press = parseSlackInteraction(body);
        const { userId, teamId } = press;
        const entry = slackEntry(entries, { userId, teamId });
        const audit = chatAudit(c, `slack:${userId}@${teamId}`, entry);
        Object.assign(audit, {
          action: press.target.action,
          region: press.target.region,
          instance: press.target.id,
        });
        // Slack ignores the answer's body here: every message goes to response_url.
        const post = (answer: ChatAnswer) =>
          postSlack(press.responseUrl, {
            ...slackMessage(answer),
            replace_original: answer.kind === "instance",
          });
        if (!entry) {
          settle(c, audit, post({ kind: "text", text: NOT_NAMED, private: true }));
          return c.body(null, 200);
        }
        const ec2 = ec2Or(c, audit);
        if (typeof ec2 === "string") {
          settle(c, audit, post({ kind: "text", text: ec2, private: true }));
          return c.body(null, 200);
        }
        // Slack asked for confirmation in its own dialog before sending a stop or reboot.
        later(c, audit, ec2, async (run) => {
          await post(await runChatButton(run, actor(audit, entry), press.target));
        });
        return c.body(null, 200);
      }));
  }
  if (config.discordPublicKey) {
    const publicKey = importDiscordPublicKey(config.discordPublicKey);
    // This app's own memory of accepted interactions, so a replay within one isolate does nothing.
    const discordReplays = createReplayGuard({ windowSeconds: DISCORD_MAX_CLOCK_SKEW_SECONDS });
    const base = deps.discordApiUrl ?? DISCORD_API_URL;
    app.post(DISCORD_INTERACTIONS_PATH, (c) =>
      discordAnswer(c, async () => {
        const body = await readChatBody(c.req.raw);
        const headers = discordSignedHeaders(c.req.raw.headers);
        await verifyDiscordRequest(await publicKey, { ...headers, body }, { now: now() });
        refuseReplay(discordReplays, { platform: "Discord", ...headers }, now());
        const interaction = parseDiscordInteraction(body);
        if (interaction.kind === "ping") return c.json(discordPong());
        const { userId, roles } = interaction.invoker;
        const entry = discordEntry(entries, { userId, roles });
        const audit = chatAudit(c, `discord:${userId}`, entry);
        const privately = (text: string) =>
          c.json(discordReply(discordTextMessage(text), { ephemeral: true }));
        if (!entry) return privately(NOT_NAMED);
        const webhook = discordOriginalMessageUrl(
          interaction.applicationId,
          interaction.token,
          base,
        );
        if (interaction.kind === "command") {
          if (interaction.name !== DISCORD_COMMAND_NAME) {
            audit.outcome = "invalid";
            return privately(`Unknown command "${interaction.name.slice(0, 32)}"`);
          }
          const command = typedCommand(() => parseDiscordOptions(interaction.options), audit);
          if (typeof command === "string") return privately(command);
          const ec2 = ec2Or(c, audit);
          if (typeof ec2 === "string") return privately(ec2);
          // A list is for the asker only; a status or change is for the channel.
          const hidden = command.subcommand === "list";
          later(c, audit, ec2, async (run) => {
            const answer = await runChatCommand(run, actor(audit, entry), command);
            await editDiscord(webhook, answer, { hidden });
          });
          return c.json(discordDeferred({ ephemeral: hidden }));
        }
        const target = interaction.target;
        Object.assign(audit, { action: target.action, region: target.region, instance: target.id });
        const denial = buttonDenial(config, entry.scope, target);
        if (denial) {
          audit.outcome = "refused";
          return privately(denial);
        }
        if (!target.confirmed) {
          // Discord has no confirmation dialog: ask, privately, with the button that does it.
          audit.outcome = "asked_to_confirm";
          return c.json(discordReply(discordConfirmMessage(target, null)));
        }
        const ec2 = ec2Or(c, audit);
        if (typeof ec2 === "string") return privately(ec2);
        later(c, audit, ec2, async (run) => {
          const answer = await runChatButton(run, actor(audit, entry), target);
          // The press's message is replaced by the instance; anything else comes privately.
          if (answer.kind === "instance") await sendDiscord("PATCH", webhook, discordData(answer));
          else await sendDiscord("POST", followupUrl(webhook), privateData(answer));
        });
        return c.json({ type: DISCORD_RESPONSE.DEFERRED_UPDATE_MESSAGE });
      }));
  }
  for (const path of CHAT_PATHS) {
    const on = path === DISCORD_INTERACTIONS_PATH ? config.discordPublicKey : secret;
    if (on) app.all(path, methodNotAllowed(["POST"]));
  }
  return app;

  /** The request's EC2 client, or the reason there is none (no AWS credentials). */
  function ec2Or(c: AppContext, audit: ChatAudit): Ec2Client | string {
    try {
      return deps.ec2(c);
    } catch (error) {
      audit.outcome = "failed";
      return toApiError(error).title;
    }
  }

  /** Runs `job` after the answer with a fresh deadline; the audit line waits for it. */
  function later(
    c: AppContext,
    audit: ChatAudit,
    ec2: Ec2Client,
    job: (run: ChatRunDeps) => Promise<void>,
  ): void {
    const pending: Promise<void>[] = [];
    const run: ChatRunDeps = {
      ec2,
      settings: config,
      now,
      changes: deps.changes,
      notifier: deps.notifier,
      // The request's own deadline ends with its answer; this work has its own.
      signal: AbortSignal.timeout(config.timeoutMs),
      audit,
      later: (work) => pending.push(work),
    };
    const work = (async () => {
      try {
        await job(run);
      } catch (error) {
        audit.outcome = "failed";
        deps.log?.(`chat: the answer could not be sent (${describe(error)})`);
      }
      await Promise.all(pending);
    })();
    settle(c, audit, work);
  }

  /** Lets `work` finish after the answer; it never rejects. */
  function settle(c: AppContext, audit: ChatAudit, work: Promise<void>): void {
    const settled = work.catch((error) => {
      deps.log?.(`chat: the answer could not be sent (${describe(error)})`);
    });
    audit.settled = settled;
    inBackground(c, settled);
  }

  async function postSlack(url: string, message: SlackMessage): Promise<void> {
    await send("POST", url, message, "Slack's response_url");
  }

  async function editDiscord(
    webhook: string,
    answer: ChatAnswer,
    options: { hidden: boolean },
  ): Promise<void> {
    const isPrivate = answer.kind !== "instance" && (answer.kind !== "text" || answer.private);
    if (!isPrivate || options.hidden) {
      await sendDiscord("PATCH", webhook, discordData(answer));
      return;
    }
    // The deferred answer was public; a private one replaces it as a follow-up only the asker sees.
    await sendDiscord("DELETE", webhook, null);
    await sendDiscord("POST", followupUrl(webhook), privateData(answer));
  }

  async function sendDiscord(method: string, url: string, data: unknown): Promise<void> {
    await send(method, url, data, "Discord's interaction webhook");
  }

  async function send(method: string, url: string, data: unknown, what: string): Promise<void> {
    const response = await deps.fetch(
      new Request(url, {
        method,
        headers: data === null ? {} : { "content-type": "application/json" },
        body: data === null ? null : JSON.stringify(data),
        signal: AbortSignal.timeout(CHAT_POST_TIMEOUT_MS),
      }),
    );
    await response.body?.cancel();
    // The URL carries the interaction's token: it is never logged.
    if (!response.ok) deps.log?.(`chat: ${what} answered HTTP ${response.status}`);
  }
}

/** Sets the request's chat audit facts: the line names the user and the entry. */
function chatAudit(c: AppContext, user: string, entry: Entry | null): ChatAudit {
  const audit: ChatAudit = {
    user,
    entry: entry?.name ?? null,
    action: null,
    region: null,
    instance: null,
    outcome: entry ? "accepted" : "refused",
  };
  c.set("chatAudit", audit);
  return audit;
}

function actor(audit: ChatAudit, entry: Entry): ChatActor {
  return { user: audit.user, entry };
}

/** The command, or the private answer to a mistyped one or to help. */
function typedCommand(
  parse: () => ChatCommand,
  audit: ChatAudit,
): Exclude<ChatCommand, { subcommand: "help" }> | string {
  try {
    const command = parse();
    audit.action = command.subcommand;
    if (command.subcommand !== "help") return command;
    audit.outcome = "help";
    return CHAT_HELP_TEXT;
  } catch (error) {
    if (!(error instanceof ChatCommandError)) throw error;
    audit.outcome = "invalid";
    return `${error.message}\n\n${error.help}`;
  }
}

/** A Slack request refused: the status, and Slack's message form. */
async function slackAnswer(c: Context<Env>, handle: () => Promise<Response>): Promise<Response> {
  try {
    return await handle();
  } catch (error) {
    if (!(error instanceof ChatRequestError)) throw error;
    return c.json(slackTextMessage(error.message), error.status);
  }
}

/** A Discord request refused: the status, and Discord's error form. */
async function discordAnswer(c: Context<Env>, handle: () => Promise<Response>): Promise<Response> {
  try {
    return await handle();
  } catch (error) {
    if (!(error instanceof ChatRequestError)) throw error;
    return c.json({ message: error.message, code: 0 }, error.status);
  }
}

function slackMessage(answer: ChatAnswer): SlackMessage {
  switch (answer.kind) {
    case "text":
      return slackTextMessage(answer.text, {
        visibility: answer.private ? "ephemeral" : "in_channel",
      });
    case "list":
      return slackListMessage(answer.instances, { note: answer.note });
    case "lookup":
      return slackLookupMessage(answer.query, answer.lookup);
    case "instance":
      return slackInstanceMessage(answer.instance, { allowed: answer.allowed, note: answer.note });
  }
}

function discordData(answer: ChatAnswer): DiscordMessageData {
  switch (answer.kind) {
    case "text":
      return discordTextMessage(answer.text);
    case "list":
      return discordListMessage(answer.instances, { note: answer.note });
    case "lookup":
      return discordLookupMessage(answer.query, answer.lookup);
    case "instance":
      return discordInstanceMessage(answer.instance, {
        allowed: answer.allowed,
        note: answer.note,
      });
  }
}

function privateData(answer: ChatAnswer): DiscordMessageData {
  return { ...discordData(answer), flags: DISCORD_EPHEMERAL };
}

/** The interaction's webhook, for a follow-up message. */
function followupUrl(originalMessageUrl: string): string {
  return originalMessageUrl.replace(/\/messages\/@original$/, "");
}

function isSslCheck(body: Uint8Array): boolean {
  return new URLSearchParams(new TextDecoder().decode(body)).get("ssl_check") === "1";
}

function describe(error: unknown): string {
  return error instanceof ApiError ? error.title : error instanceof Error ? error.name : "error";
}
