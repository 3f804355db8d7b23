/**
 * The app with its chat routes on, on a fresh simulator, as the service builds
 * it from `API_KEYS`: the outbound posts (Slack's `response_url`, Discord's
 * webhook, the notification webhook) land in lists, and the work after the
 * answer is collected through `waitUntil`, as on Workers.
 */
import { createApp } from "../../../src/http/app.ts";
import { keyEntries, parseApiKeys } from "../../../src/config/api_keys.ts";
import { Ec2Client } from "../../../src/aws/ec2.ts";
import { Ec2Simulator, type SimulatedInstanceSeed } from "../../../src/simulator/ec2.ts";
import { createNotifier } from "../../../src/domain/notify.ts";
import { slackSignature } from "../../../src/http/chat/slack_verify.ts";
import { AWS_SECRET, OTHER_REGION, REGION, T0 } from "../../_helpers.ts";

export const SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const DISCORD_API = "https://discord.test/api/v10";
export const RESPONSE_URL = "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibI";
export const WEB_KEY = "web-team-key-0123456789abcdef";
export const READ_KEY = "readers-key-0123456789abcdef";
export const DEV_ID = "i-0aaaaaaaaaaaaaaa1";
export const BUILD_ID = "i-0aaaaaaaaaaaaaaa2";
export const API_WEST_ID = "i-0aaaaaaaaaaaaaaa3";
export const API_EU_ID = "i-0aaaaaaaaaaaaaaa4";
export const SLACK_WEB = { userId: "U2CERLKJA", teamId: "T1DC2JH3J" };
export const SLACK_READER = { userId: "U0READER1", teamId: "T0READERS" };
export const DISCORD_WEB = "80351110224678912";
export const DISCORD_READER_ROLE = "1182000000000000001";

export const CHAT_SEEDS: SimulatedInstanceSeed[] = [
  {
    id: DEV_ID,
    region: REGION,
    type: "t3.micro",
    state: "running",
    tags: { Name: "dev-box", start_time: "2026-11-26T11:00:00.000Z", secret_note: "hunter2" },
  },
  { id: BUILD_ID, region: REGION, type: "c5.large", state: "stopped", tags: { Name: "build box" } },
  { id: API_WEST_ID, region: REGION, type: "t3.small", state: "running", tags: { Name: "api" } },
  {
    id: API_EU_ID,
    region: OTHER_REGION,
    type: "t3.small",
    state: "running",
    tags: { Name: "api" },
  },
];

export const CHAT_API_KEYS = JSON.stringify([
  {
    name: "web-team",
    key: WEB_KEY,
    actions: ["read", "start", "stop"],
    slack_users: [SLACK_WEB.userId],
    slack_teams: [SLACK_WEB.teamId],
    discord_users: [DISCORD_WEB],
  },
  {
    name: "readers",
    key: READ_KEY,
    actions: ["read"],
    slack_teams: [SLACK_READER.teamId],
    discord_roles: [DISCORD_READER_ROLE],
  },
]);

/** One outbound request the app made after answering. */
export interface Posted {
  method: string;
  url: string;
  // deno-lint-ignore no-explicit-any
  body: any;
}

export interface ChatAppOptions {
  slack?: boolean;
  /** The Discord application's public key, hex; absent: the Discord route is off. */
  discordPublicKey?: string;
  /** What the fake response_url and webhook answer. Default 200. */
  outboundStatus?: number;
}

export async function chatApp(options: ChatAppOptions = {}) {
  const clock = { now: T0 };
  const simulator = new Ec2Simulator({
    instances: CHAT_SEEDS,
    now: () => clock.now,
    transitionMs: 2000,
  });
  const ec2 = new Ec2Client({
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: AWS_SECRET },
    fetch: simulator.fetch,
    random: () => 0,
    timeoutMs: 2000,
  });
  const posted: Posted[] = [];
  const notified: Posted[] = [];
  const record = (list: Posted[]) => async (request: Request) => {
    const text = await request.text();
    list.push({ method: request.method, url: request.url, body: text ? JSON.parse(text) : null });
    return new Response(null, { status: options.outboundStatus ?? 200 });
  };
  const lines: string[] = [];
  const audit: string[] = [];
  const app = createApp({
    config: {
      timeoutMs: 2000,
      allowedRegions: null,
      regions: [REGION, OTHER_REGION],
      slackSigningSecret: options.slack === false ? null : SLACK_SECRET,
      discordPublicKey: options.discordPublicKey ?? null,
    },
    keys: await keyEntries(null, parseApiKeys(CHAT_API_KEYS)),
    ec2,
    now: () => new Date(clock.now),
    log: (line) => lines.push(line),
    audit: (line) => audit.push(line),
    notifier: createNotifier({
      url: "https://hooks.example.com/services/T000/B000/XXXX",
      fetch: record(notified),
    }),
    chatFetch: record(posted),
    discordApiUrl: DISCORD_API,
  });
  const pending: Promise<unknown>[] = [];
  const context = {
    waitUntil: (work: Promise<unknown>) => void pending.push(work),
    passThroughOnException: () => {},
    props: {},
  };
  /** Sends `request` as Workers would, then waits for the work after the answer. */
  async function send(request: Request): Promise<Response> {
    const response = await app.fetch(request, { clientAddress: "203.0.113.7" }, context);
    while (pending.length) await pending.shift();
    return response;
  }
  /** The calls that would have changed something in EC2. */
  const changes = () =>
    simulator.calls.filter((call) => !call.action.startsWith("Describe") && call.status !== 0);
  return { app, simulator, clock, posted, notified, lines, audit, send, changes };
}

/** A slash command as Slack posts it, signed with `secret` at `timestamp`. */
export async function slackCommand(
  text: string,
  options: {
    who?: { userId: string; teamId: string };
    timestamp?: number;
    secret?: string;
    body?: string;
  } = {},
): Promise<Request> {
  const who = options.who ?? SLACK_WEB;
  const body = options.body ?? new URLSearchParams({
    token: "unused-verification-token",
    team_id: who.teamId,
    team_domain: "example",
    channel_id: "C0CHANNEL1",
    user_id: who.userId,
    user_name: "roadrunner",
    command: "/workwork",
    text,
    response_url: RESPONSE_URL,
    trigger_id: "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  }).toString();
  return await signedSlack("/slack/commands", body, options);
}

/** A `block_actions` press of the button `actionId`. */
export async function slackPress(
  actionId: string,
  options: { who?: { userId: string; teamId: string } } = {},
): Promise<Request> {
  const who = options.who ?? SLACK_WEB;
  const payload = {
    type: "block_actions",
    user: { id: who.userId, username: "roadrunner", team_id: who.teamId },
    team: { id: who.teamId, domain: "example" },
    response_url: RESPONSE_URL,
    actions: [{ type: "button", action_id: actionId, block_id: "workwork", value: actionId }],
  };
  return await signedSlack(
    "/slack/interactions",
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    {},
  );
}

async function signedSlack(
  path: string,
  body: string,
  options: { timestamp?: number; secret?: string },
): Promise<Request> {
  const timestamp = String(options.timestamp ?? T0 / 1000);
  return new Request(`https://workwork.test${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": await slackSignature(options.secret ?? SLACK_SECRET, timestamp, body),
    },
    body,
  });
}

/** An Ed25519 key pair made here, and requests signed with it as Discord signs them. */
export async function discordSigner() {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const publicKey = hex(await crypto.subtle.exportKey("raw", pair.publicKey));
  async function sign(
    interaction: unknown,
    options: { timestamp?: number; key?: CryptoKey } = {},
  ): Promise<Request> {
    const body = JSON.stringify(interaction);
    const timestamp = String(options.timestamp ?? T0 / 1000);
    const signature = hex(
      await crypto.subtle.sign(
        "Ed25519",
        options.key ?? pair.privateKey,
        new TextEncoder().encode(timestamp + body),
      ),
    );
    return new Request("https://workwork.test/discord/interactions", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-signature-timestamp": timestamp,
        "x-signature-ed25519": signature,
      },
      body,
    });
  }
  return { publicKey, sign };
}

export const DISCORD_APP_ID = "1100000000000000001";

/** An application command interaction for `/workwork <sub> [name] [dry_run]`. */
export function discordCommand(
  subcommand: string,
  options: { name?: string; dryRun?: boolean; userId?: string; roles?: string[] } = {},
): unknown {
  const inner: unknown[] = [];
  if (options.name !== undefined) inner.push({ name: "name", type: 3, value: options.name });
  if (options.dryRun !== undefined) {
    inner.push({ name: "dry_run", type: 5, value: options.dryRun });
  }
  return {
    type: 2,
    id: "1200000000000000001",
    application_id: DISCORD_APP_ID,
    token: "interaction-token-abc",
    guild_id: "1300000000000000001",
    member: {
      user: { id: options.userId ?? DISCORD_WEB, username: "someone" },
      roles: options.roles ?? [],
    },
    data: { name: "workwork", type: 1, options: [{ name: subcommand, type: 1, options: inner }] },
  };
}

/** A button press interaction. */
export function discordPress(
  customId: string,
  options: { userId?: string; roles?: string[] } = {},
): unknown {
  return {
    type: 3,
    id: "1200000000000000002",
    application_id: DISCORD_APP_ID,
    token: "interaction-token-def",
    guild_id: "1300000000000000001",
    member: {
      user: { id: options.userId ?? DISCORD_WEB, username: "someone" },
      roles: options.roles ?? [],
    },
    message: { id: "1400000000000000001" },
    data: { component_type: 2, custom_id: customId },
  };
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}
