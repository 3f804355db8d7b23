/**
 * The instance routes: list a region's instances, read one, change one
 * (`start`, `stop`, `reboot`), optionally waiting for the state it asked for.
 *
 * @module
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import type { InstanceFilters } from "../../aws/ec2.ts";
import { type Instance, INSTANCE_STATES } from "../../aws/ec2_types.ts";
import {
  changeState,
  describeInstance,
  instanceView,
  isAction,
  isInstanceId,
  listInstances,
  StartTimeNotWrittenError,
} from "../../domain/instances.ts";
import { regionPlanner } from "../../domain/plans.ts";
import {
  listInstancePage,
  MAX_PAGE_LIMIT,
  PAGE_TOKEN_PATTERN,
  type PageRequest,
  PageTokenError,
  scopedFilters,
} from "../../domain/instance_pages.ts";
import { instanceAllowed, type KeyScope } from "../../domain/scopes.ts";
import { MAX_WAIT_POLLS, waitForState, type WaitResult } from "../../domain/wait.ts";
import {
  dnsAnswer,
  followChange,
  followInstance,
  followsDns,
  MAX_WAIT_POLLS_WITH_DNS,
} from "../../domain/dns_follow.ts";
import { actionOptions, holdEnd, noOptions } from "../action_options.ts";
import { releaseHold, setHold } from "../../domain/holds.ts";
import type { Env } from "../env.ts";
import { ApiError } from "../errors.ts";
import { clientName, oddName } from "../client_names.ts";
import { methodNotAllowed } from "../method_not_allowed.ts";
import { inBackground, regionParam, requireScope, type RouteDeps } from "./_common.ts";

const LIST_PATH = "/instance/:region";
const READ_PATH = "/instance/:region/:instance_id";
const CHANGE_PATH = "/instance/:region/:instance_id/:action";
const HOLD_PATH = "/instance/:region/:instance_id/hold";

/**
 * The instance routes; they take a key or the dashboard's session, whose
 * script calls them.
 */
export function instanceRoutes(
  deps: Pick<
    RouteDeps,
    "config" | "ec2" | "now" | "dashboardAuth" | "changes" | "notifier" | "sleep" | "sweep" | "dns"
  >,
): Hono<Env> {
  const { config, ec2, now, dashboardAuth: auth, changes } = deps;
  const app = new Hono<Env>();

  const regionOf = (c: Context) => regionParam(c, config.allowedRegions);

  function target(c: Context<Env>) {
    const region = regionOf(c);
    const instanceId = c.req.param("instance_id") ?? "";
    if (!isInstanceId(instanceId)) {
      throw new ApiError(422, "instance_id", "Invalid instance_id");
    }
    return { region, instanceId, signal: c.get("deadline") };
  }

  app.get(LIST_PATH, auth, async (c) => {
    const region = regionOf(c);
    const query = new URL(c.req.url).searchParams;
    const asked = listFilters(query);
    const page = pageOf(query);
    const scope = c.get("apiKey").scope;
    requireScope(scope, { action: "read", region });
    const filters = scopedFilters(asked, scope);
    const signal = c.get("deadline");
    let instances, nextToken: string | null = null;
    if (page === null) {
      instances = await listInstances(ec2(c), region, filters, { signal });
    } else {
      try {
        ({ instances, nextToken } = await listInstancePage(ec2(c), region, filters, page, {
          signal,
        }));
      } catch (error) {
        if (error instanceof PageTokenError) throw new ApiError(422, "next_token", error.message);
        throw error;
      }
    }
    const at = now();
    // One planner for the listing: its forecasts are shared by the instances.
    const planner = regionPlanner(deps.sweep, region);
    return c.json({
      instances: instances
        .filter((instance) => instanceAllowed(scope, instance))
        .map((instance) => instanceView(instance, at, planner)),
      next_token: nextToken,
    });
  });

  app.get(READ_PATH, auth, async (c) => {
    const { region, instanceId, signal } = target(c);
    const scope = c.get("apiKey").scope;
    requireScope(scope, { action: "read", region, instanceId });
    const instance = await describeInstance(ec2(c), region, instanceId, { signal });
    requireTags(scope, instance);
    return c.json(instanceView(instance, now(), regionPlanner(deps.sweep, region)));
  });

  // Before the change route, whose `:action` would take "hold" for an unknown action.
  app.post(HOLD_PATH, auth, async (c) => {
    const { region, instanceId, signal } = target(c);
    const until = await holdEnd(c, now());
    await requireHold(c, { region, instanceId, signal });
    await setHold(ec2(c), { region, instanceId, until }, { signal });
    return c.json({ region, instance_id: instanceId, hold_until: until.toISOString() });
  });

  app.delete(HOLD_PATH, auth, async (c) => {
    const { region, instanceId, signal } = target(c);
    await noOptions(c);
    await requireHold(c, { region, instanceId, signal });
    await releaseHold(ec2(c), { region, instanceId }, { signal });
    return c.body(null, 204);
  });

  app.all(HOLD_PATH, methodNotAllowed(["POST", "DELETE"]));

  /** Refuses a hold the key's scope does not allow; a key limited by tags costs a read. */
  async function requireHold(
    c: Context<Env>,
    { region, instanceId, signal }: { region: string; instanceId: string; signal: AbortSignal },
  ) {
    const scope = c.get("apiKey").scope;
    requireScope(scope, { action: "hold", region, instanceId });
    if (scope.tags) {
      requireTags(scope, await describeInstance(ec2(c), region, instanceId, { signal }));
    }
  }

  app.on(["POST", "PUT"], CHANGE_PATH, auth, async (c) => {
    const { region, instanceId, signal } = target(c);
    const action = c.req.param("action");
    if (!isAction(action)) throw new ApiError(422, "action", "Invalid action");
    const options = await actionOptions(c, action);
    const scope = c.get("apiKey").scope;
    requireScope(scope, { action, region, instanceId });
    // The answer to a wait is the instance itself: a read.
    if (options.waitSeconds !== null) requireScope(scope, { action: "read", region, instanceId });
    // One client for every EC2 call of this change (each `ec2(c)` makes a copy).
    const client = ec2(c);
    if (scope.tags) {
      // Only a key limited by tags costs a DescribeInstances before the change.
      requireTags(scope, await describeInstance(client, region, instanceId, { signal }));
    }
    const { hibernate, force, dryRun } = options;
    const by = `key ${c.get("apiKey").name}`;
    const notify = () =>
      inBackground(c, deps.notifier?.notify({ action, region, instanceId, by, hibernate, force }));
    let outcome;
    // The read that confirms the change tells whether DNS follows the instance.
    let confirmed: Instance | null = null;
    try {
      outcome = await changeState(
        client,
        { region, instanceId, action, now: now(), hibernate, force, dryRun, by },
        { signal, queue: changes, clock: now, onConfirmRead: (seen) => confirmed = seen },
      );
    } catch (error) {
      // The state changed; only its tag was not written: the change is still news.
      if (error instanceof StartTimeNotWrittenError) notify();
      throw error;
    }
    if (outcome.dryRun) {
      return c.json({ dry_run: true, would_succeed: true, action, instance_id: instanceId });
    }
    notify();
    const untagged = confirmed !== null && !followsDns(confirmed);
    const dns = action === "reboot" || untagged ? undefined : deps.dns;
    // DNS follows in the background; on Workers within the request's subrequests (waitUntil).
    const follow = () =>
      dns && inBackground(
        c,
        followChange(client, dns, {
          region,
          instanceId,
          timeoutMs: config.timeoutMs,
          sleep: deps.sleep,
        }).then(() => {}),
      );
    if (options.waitSeconds === null || action === "reboot") {
      follow();
      return c.body(null, 204);
    }
    const result = await waitForState(client, {
      region,
      instanceId,
      target: action === "start" ? "running" : "stopped",
      waitMs: options.waitSeconds * 1000,
      pollTimeoutMs: config.timeoutMs,
      now: () => now().getTime(),
      sleep: deps.sleep,
      maxPollsFor: (instance) =>
        dns && followsDns(instance) ? MAX_WAIT_POLLS_WITH_DNS : MAX_WAIT_POLLS,
    });
    const view = instanceView(result.instance, now(), regionPlanner(deps.sweep, region));
    if (!dns || !followsDns(result.instance)) {
      return c.json(view, waitAnswerStatus(result, action));
    }
    if (result.outcome !== "reached") {
      // Not there yet, or gone the wrong way: the records follow once it settles.
      follow();
      const status = waitAnswerStatus(result, action);
      return c.json({ ...view, dns: pendingDns(dns.provider.name) }, status);
    }
    // The records are written before the answer, which names them; a DNS failure
    // is in `dns` and never turns the change into an error.
    const report = await followInstance(dns, result.instance, {
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    return c.json({ ...view, dns: dnsAnswer(report!) }, waitAnswerStatus(result, action));
  });

  app.all(LIST_PATH, methodNotAllowed(["GET", "HEAD"]));
  app.all(READ_PATH, methodNotAllowed(["GET", "HEAD"]));
  app.all(CHANGE_PATH, methodNotAllowed(["POST", "PUT"]));
  return app;
}

/** The `dns` of a wait that ended before the state: nothing written yet. */
function pendingDns(provider: string) {
  return {
    provider,
    ok: true,
    records: [],
    skipped:
      "The instance has not reached its state yet: its records follow in the background and at the next sweep",
  };
}

/** The answer to a change made with `wait=true`, from how the wait ended. */
export function waitAnswerStatus(result: WaitResult, action: string): 200 | 202 {
  if (result.outcome === "wrong_way") {
    throw new ApiError(
      409,
      "wait",
      `EC2 accepted "${action}", but the instance went to "${result.instance.state}" instead`,
    );
  }
  return result.outcome === "reached" ? 200 : 202;
}

function requireTags(scope: KeyScope, instance: { id: string; tags: Record<string, string> }) {
  if (!instanceAllowed(scope, instance)) {
    const tags = Object.entries(scope.tags ?? {}).map(([key, value]) => `${key}=${value}`);
    throw new ApiError(
      403,
      "scope",
      `This key may only act on instances tagged ${tags.join(", ")}`,
    );
  }
}

/** What the listing's query takes, besides `tag:KEY`; `api_key` is ignored, never a source. */
const LIST_PARAMS: ReadonlySet<string> = new Set(["state", "limit", "next_token", "api_key"]);

/**
 * The listing's filters from the query: `state=running,stopped` and
 * `tag:KEY=VALUE` (repeat a parameter to accept several values).
 *
 * @throws {ApiError} 422 for a malformed filter, or a parameter the listing
 * does not take (a typo such as `stat` must not list everything)
 */
function listFilters(query: URLSearchParams): InstanceFilters {
  const filters: Record<string, string[]> = {};
  for (const [name, value] of query) {
    if (name === "state") {
      const states = value.split(",").map((state) => state.trim());
      if (!states.every((state) => (INSTANCE_STATES as readonly string[]).includes(state))) {
        throw new ApiError(422, "state", `Invalid state: use ${INSTANCE_STATES.join(", ")}`);
      }
      (filters["instance-state-name"] ??= []).push(...states);
    } else if (name.startsWith("tag:")) {
      if (name.length === 4) throw new ApiError(422, "tag", "Invalid tag filter: name the tag");
      (filters[name] ??= []).push(value);
    } else if (!LIST_PARAMS.has(name)) {
      const { id, quoted } = clientName(name);
      const takes = "the listing takes state, tag:KEY, limit, next_token";
      throw new ApiError(
        422,
        id,
        quoted === null
          ? `Unknown query parameter (${oddName("parameter")}): ${takes}`
          : `Unknown query parameter ${quoted}: ${takes}`,
      );
    }
  }
  return filters;
}

/**
 * The page the listing asks for: `limit` (1 to 1000) and `next_token`; null
 * for the whole listing (neither given). A `next_token` without `limit`
 * reads pages of {@linkcode MAX_PAGE_LIMIT}.
 */
export function pageOf(query: URLSearchParams): PageRequest | null {
  const limit = query.get("limit");
  const token = query.get("next_token");
  if (limit === null && token === null) return null;
  if (query.getAll("limit").length > 1 || query.getAll("next_token").length > 1) {
    throw new ApiError(
      422,
      limit === null ? "next_token" : "limit",
      "Give limit and next_token once each",
    );
  }
  const number = limit === null ? MAX_PAGE_LIMIT : /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
  if (!(number >= 1 && number <= MAX_PAGE_LIMIT)) {
    throw new ApiError(422, "limit", `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}`);
  }
  if (token !== null && !PAGE_TOKEN_PATTERN.test(token)) {
    throw new ApiError(422, "next_token", "next_token must be a token an earlier page gave");
  }
  return { limit: number, token: token ?? undefined };
}
