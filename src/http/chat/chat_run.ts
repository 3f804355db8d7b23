/**
 * What a chat command or button does, the same for Slack and Discord: find
 * the instance by name in the regions the entry may see, check the entry's
 * scope, change the state through the domain (the change, then `start_time`,
 * in the app's change queue), notify, and say what happened as a
 * {@linkcode ChatAnswer} each platform renders its own way.
 *
 * @module
 */
import type { Ec2Client } from "../../aws/ec2.ts";
import type { Instance } from "../../aws/ec2_types.ts";
import type { InstanceChangeQueue } from "../../domain/change_queue.ts";
import type { ChatCommand } from "../../domain/chat_commands.ts";
import {
  findInstance,
  type InstanceLookup,
  type RegionListing,
} from "../../domain/instance_names.ts";
import {
  changeState,
  describeInstance,
  type InstanceAction,
  instanceView,
  listInstances,
  StartTimeNotWrittenError,
} from "../../domain/instances.ts";
import type { Notifier } from "../../domain/notify.ts";
import { instanceAllowed, type KeyScope, scopeDenial } from "../../domain/scopes.ts";
import { type RegionSettings, visibleRegions } from "../dashboard/listing.ts";
import { toApiError } from "../errors.ts";
import type { ChatAudit } from "../middleware/audit.ts";
import { type ChatActionTarget, type ChatInstance, chatInstance } from "./chat_instance.ts";

/** What the chat user acts as: an `API_KEYS` entry's name and scope. */
export interface ChatActor {
  /** The chat user, as audit lines and notifications name them. */
  user: string;
  entry: { name: string; scope: KeyScope };
}

/** What running a command needs. */
export interface ChatRunDeps {
  ec2: Ec2Client;
  settings: RegionSettings;
  now: () => Date;
  changes: InstanceChangeQueue;
  notifier?: Notifier;
  signal?: AbortSignal;
  /** Filled in as the target and the outcome become known. */
  audit: ChatAudit;
  /** Keeps work that may finish after the answer (a notification). */
  later: (work: Promise<void>) => void;
}

/** What to tell the user, before it is written in a platform's form. */
export type ChatAnswer =
  | { kind: "text"; text: string; private: boolean }
  | { kind: "list"; instances: ChatInstance[]; note?: string }
  | {
    kind: "lookup";
    query: string;
    lookup: Exclude<InstanceLookup, { status: "found" }>;
  }
  | {
    kind: "instance";
    instance: ChatInstance;
    allowed: (action: InstanceAction) => boolean;
    note?: string;
  };

const PAST: Record<InstanceAction, string> = {
  start: "Start",
  stop: "Stop",
  reboot: "Reboot",
};

/** Runs a typed command other than help. */
export async function runChatCommand(
  deps: ChatRunDeps,
  actor: ChatActor,
  command: Exclude<ChatCommand, { subcommand: "help" }>,
): Promise<ChatAnswer> {
  const { scope } = actor.entry;
  deps.audit.action = command.subcommand;
  const denial = scopeDenial(scope, { action: "read" });
  if (denial) {
    // Every answer shows instances and their state, and names are found by listing.
    return refuse(deps, `${denial}, so it cannot use the chat commands but help`);
  }
  const { listings, failures } = await listVisible(deps, scope);
  const failed = failures.length ? `Could not list ${failures.join("; ")}` : undefined;
  if (command.subcommand === "list") {
    deps.audit.outcome = failures.length ? "listed_partly" : "listed";
    const at = deps.now();
    const instances = listings.flatMap(({ region, instances }) =>
      instances.map((instance) => chatInstance(region, instanceView(instance, at)))
    ).sort(byName);
    return { kind: "list", instances, note: failed };
  }
  const lookup = findInstance(command.name, listings);
  if (lookup.status !== "found") {
    deps.audit.outcome = lookup.status === "ambiguous" ? "ambiguous" : "not_found";
    if (failed && lookup.status === "unknown") {
      return {
        kind: "text",
        text: `No instance is named "${command.name}". ${failed}`,
        private: true,
      };
    }
    return { kind: "lookup", query: command.name, lookup };
  }
  const { region, id } = lookup.instance;
  deps.audit.region = region;
  deps.audit.instance = id;
  const instance = listings.find((listing) => listing.region === region)!.instances
    .find((candidate) => candidate.id === id)!;
  if (command.subcommand === "status") {
    deps.audit.outcome = "shown";
    return instanceAnswer(deps, scope, region, instance);
  }
  return await change(deps, actor, instance, {
    region,
    action: command.subcommand,
    dryRun: command.dryRun,
  });
}

/** Runs a button press: checked against the presser's entry, as a typed command is. */
export async function runChatButton(
  deps: ChatRunDeps,
  actor: ChatActor,
  target: ChatActionTarget,
): Promise<ChatAnswer> {
  const { scope } = actor.entry;
  const { region, id, action } = target;
  Object.assign(deps.audit, { action, region, instance: id });
  const denial = buttonDenial(deps.settings, scope, target);
  if (denial) return refuse(deps, denial);
  let instance: Instance;
  try {
    instance = await describeInstance(deps.ec2, region, id, { signal: deps.signal });
  } catch (error) {
    return failure(deps, error);
  }
  if (!instanceAllowed(scope, instance)) {
    return refuse(deps, "This entry may not act on that instance");
  }
  return await change(deps, actor, instance, { region, action, dryRun: false });
}

/**
 * Why `scope` may not press `target`, or null: the action, the region (which
 * must be one the entry sees) and the instance id, before any EC2 call. Tags
 * are checked once the instance is read.
 */
export function buttonDenial(
  settings: RegionSettings,
  scope: KeyScope,
  target: Omit<ChatActionTarget, "confirmed">,
): string | null {
  const { region, id, action } = target;
  if (!visibleRegions(settings, scope).includes(region)) {
    return `This entry may not act in region "${region}"`;
  }
  return scopeDenial(scope, { action, region, instanceId: id }) ??
    scopeDenial(scope, { action: "read", region, instanceId: id });
}

async function change(
  deps: ChatRunDeps,
  actor: ChatActor,
  instance: Instance,
  request: { region: string; action: InstanceAction; dryRun: boolean },
): Promise<ChatAnswer> {
  const { scope } = actor.entry;
  const { region, action, dryRun } = request;
  const instanceId = instance.id;
  const denial = scopeDenial(scope, { action, region, instanceId });
  if (denial) return refuse(deps, denial);
  const name = instance.tags.Name ?? null;
  const notify = () =>
    deps.later(
      deps.notifier?.notify({ action, region, instanceId, name, by: actor.user }) ??
        Promise.resolve(),
    );
  try {
    const outcome = await changeState(
      deps.ec2,
      { region, instanceId, action, now: deps.now(), dryRun, by: actor.user },
      { signal: deps.signal, queue: deps.changes, clock: deps.now },
    );
    if (outcome.dryRun) {
      deps.audit.outcome = "dry_run";
      return instanceAnswer(
        deps,
        scope,
        region,
        instance,
        `Dry run: EC2 says ${action} would succeed. Nothing changed.`,
      );
    }
  } catch (error) {
    if (error instanceof StartTimeNotWrittenError) {
      notify();
      deps.audit.outcome = "done_without_start_time";
      return { kind: "text", text: error.message, private: false };
    }
    return failure(deps, error);
  }
  notify();
  deps.audit.outcome = "done";
  const note = `${PAST[action]} accepted by EC2, asked by ${actor.user}.`;
  try {
    const after = await describeInstance(deps.ec2, region, instanceId, { signal: deps.signal });
    return instanceAnswer(deps, scope, region, after, note);
  } catch {
    // The change stands; only the fresh read failed: show what was known.
    return instanceAnswer(deps, scope, region, instance, note);
  }
}

function instanceAnswer(
  deps: ChatRunDeps,
  scope: KeyScope,
  region: string,
  instance: Instance,
  note?: string,
): ChatAnswer {
  return {
    kind: "instance",
    instance: chatInstance(region, instanceView(instance, deps.now())),
    allowed: (action) => scopeDenial(scope, { action, region, instanceId: instance.id }) === null,
    note,
  };
}

/** The listings of every region the entry sees; a region that fails is named, not fatal. */
async function listVisible(
  deps: ChatRunDeps,
  scope: KeyScope,
): Promise<{ listings: RegionListing[]; failures: string[] }> {
  const regions = visibleRegions(deps.settings, scope)
    .filter((region) => scopeDenial(scope, { action: "read", region }) === null);
  const failures: string[] = [];
  const listings = await Promise.all(regions.map(async (region): Promise<RegionListing> => {
    try {
      const instances = await listInstances(deps.ec2, region, {}, { signal: deps.signal });
      return { region, instances: instances.filter((i) => instanceAllowed(scope, i)) };
    } catch (error) {
      failures.push(`${region}: ${toApiError(error).title}`);
      return { region, instances: [] };
    }
  }));
  return { listings, failures };
}

function refuse(deps: ChatRunDeps, text: string): ChatAnswer {
  deps.audit.outcome = "refused";
  return { kind: "text", text, private: true };
}

function failure(deps: ChatRunDeps, error: unknown): ChatAnswer {
  deps.audit.outcome = "failed";
  // The API's own description: it names what went wrong and never a secret.
  return { kind: "text", text: toApiError(error).title, private: true };
}

function byName(a: ChatInstance, b: ChatInstance): number {
  const left = a.name?.toLowerCase() ?? "\uffff";
  const right = b.name?.toLowerCase() ?? "\uffff";
  return left < right ? -1 : left > right ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
