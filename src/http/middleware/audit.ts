/**
 * The audit log: one JSON line per state-changing request made with a valid
 * key (whatever its outcome) and per denial (401, 403, 429). It names the key
 * by its configured name, never the key.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import type { CallRecord } from "../../aws/ec2.ts";
import { isRegionName } from "../../aws/endpoints.ts";
import { isAction, isInstanceId } from "../../domain/instances.ts";
import type { Env } from "../env.ts";
import { clientAddressOf } from "./rate_limit.ts";

const DENIALS = new Set([401, 403, 429]);
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** One audit line. */
export interface AuditRecord {
  /** When the request arrived, UTC ISO 8601. */
  time: string;
  /** The request's `X-Request-Id`, as answered. */
  request_id: string;
  /** The matched key's name; null when no key matched. */
  key: string | null;
  client: string;
  method: string;
  /**
   * `start`, `stop`, `reboot`, `active` (a heartbeat), `read`, `list`, `sweep`, `sign_in`,
   * `sign_out`, `hold`, `release`;
   * null when the path names none.
   */
  action: string | null;
  region: string | null;
  instance: string | null;
  /** The HTTP status answered. */
  status: number;
  /** EC2's request ids, one per EC2 call made, null where EC2 gave none. */
  ec2_request_ids: (string | null)[];
  /** EC2 calls as `Action×attempts`, e.g. `["StartInstances×1", "CreateTags×3"]`. */
  ec2_calls: string[];
  /** Attempts over all EC2 calls. */
  attempts: number;
  duration_ms: number;
  /** Chat requests only: who asked, e.g. `slack:U2CERLKJA@T1DC2JH3J`, `discord:80351110224678912`. */
  chat_user?: string;
  /** Chat requests only: what came of the command (`done`, `dry_run`, `refused`, `failed`, …). */
  chat_outcome?: string;
}

/** What a chat route tells the audit line; it may finish after the answer. */
export interface ChatAudit {
  user: string;
  /** The `API_KEYS` entry the user acts as; null when none names them. */
  entry: string | null;
  /** The subcommand or button, and its target once known. */
  action: string | null;
  region: string | null;
  instance: string | null;
  outcome: string;
  /** The work done after the answer; the line is written once it settles (it never rejects). */
  settled?: Promise<void>;
}

/** Variables the audit middleware sets. */
export interface AuditVariables {
  /** EC2 calls made for this request, in order; see {@linkcode Ec2Client.observed}. */
  ec2Calls: CallRecord[];
  /** Set by the chat routes: the line names the chat user and waits for the work. */
  chatAudit?: ChatAudit;
}

/** Options of {@linkcode auditLog}. */
export interface AuditOptions {
  /** Gets each line. */
  sink: (line: string) => void;
  now: () => Date;
}

/** Middleware writing the audit line once the answer is known. */
export function auditLog(options: AuditOptions): MiddlewareHandler<Env> {
  const { sink, now } = options;
  return async function audit(c, next) {
    // The request line's arrival when the app set one, so both lines carry one time.
    const arrived = c.get("arrived") ?? now();
    const started = performance.now();
    const calls: CallRecord[] = [];
    c.set("ec2Calls", calls);
    await next();
    // Set only once a key was accepted; a refused or keyless request has none.
    const key = c.get("apiKey")?.name ?? null;
    const status = c.res.status;
    const chat = c.get("chatAudit");
    const changing = key !== null && !READ_METHODS.has(c.req.method);
    if (!chat && !changing && !DENIALS.has(status)) return;
    const record: () => AuditRecord = () => ({
      time: arrived.toISOString(),
      request_id: c.get("requestId") ?? "",
      key: chat ? chat.entry : key,
      client: clientAddressOf(c),
      method: c.req.method,
      ...target(c),
      status,
      ec2_request_ids: calls.map(({ requestId }) => requestId),
      ec2_calls: calls.map(({ action, attempts }) => `${action}×${attempts}`),
      attempts: calls.reduce((sum, { attempts }) => sum + attempts, 0),
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      ...(chat && {
        action: chat.action,
        region: chat.region,
        instance: chat.instance,
        chat_user: chat.user,
        chat_outcome: chat.outcome,
      }),
    });
    const write = () => sink(JSON.stringify(record()));
    if (!chat?.settled) return write();
    // A chat change runs after the answer: its line waits for it, and its EC2 calls.
    const line = chat.settled.then(write);
    try {
      c.executionCtx.waitUntil(line);
    } catch {
      // No execution context: not Workers; the promise runs on by itself.
    }
  };
}

/**
 * What the path names, read from its segments, each kept only when it has the
 * shape of its kind: a key pasted into a path never reaches the audit log.
 */
function target(c: Context): Pick<AuditRecord, "action" | "region" | "instance"> {
  const [root, region, instance, action, ...rest] = c.req.path.split("/").slice(1)
    .filter((segment, i, all) => segment !== "" || i < all.length - 1);
  const none = { action: null, region: null, instance: null };
  if (root === "sweep" && region === undefined) return { ...none, action: "sweep" };
  if (root === "session") {
    if (c.req.method === "POST" && region === undefined) return { ...none, action: "sign_in" };
    if (region === "delete" || c.req.method === "DELETE") return { ...none, action: "sign_out" };
  }
  if (root === "wake" && action === "start" && rest.length === 0) {
    // The wake page's start: a Name in the path is not logged, an id is.
    return {
      action,
      region: region !== undefined && isRegionName(region) ? region : null,
      instance: instance !== undefined && isInstanceId(instance) ? instance : null,
    };
  }
  if (root !== "instance" || rest.length > 0) return none;
  const knownRegion = region !== undefined && isRegionName(region) ? region : null;
  const knownInstance = instance !== undefined && isInstanceId(instance) ? instance : null;
  let knownAction: string | null = null;
  if (action === "hold") knownAction = c.req.method === "DELETE" ? "release" : "hold";
  else if (action !== undefined) {
    knownAction = isAction(action) || action === "active" ? action : null;
  } else if (instance !== undefined) knownAction = "read";
  else if (region !== undefined) knownAction = "list";
  return { action: knownAction, region: knownRegion, instance: knownInstance };
}
