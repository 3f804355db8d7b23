/**
 * What a key may do: allow-lists of regions, instances, tags and actions.
 * `API_KEY` has full access; keys in `API_KEYS` may be narrower.
 *
 * @module
 */

/**
 * Everything a key's `actions` list may name; `active` sends heartbeats
 * (`POST …/active`); `hold` sets and releases `workwork:hold_until`, and a
 * key that may `stop` may also `hold`.
 */
export const SCOPE_ACTIONS = [
  "read",
  "start",
  "stop",
  "reboot",
  "sweep",
  "active",
  "hold",
] as const;
/** One of {@linkcode SCOPE_ACTIONS}. */
export type ScopeAction = typeof SCOPE_ACTIONS[number];

/** A key's allow-lists; null allows everything of that kind. */
export interface KeyScope {
  regions: ReadonlySet<string> | null;
  /** Instance ids. */
  instances: ReadonlySet<string> | null;
  /** Tags the instance must carry, every one of them, key to exact value. */
  tags: Readonly<Record<string, string>> | null;
  actions: ReadonlySet<ScopeAction> | null;
}

/** The scope of `API_KEY`: everything. */
export const FULL_ACCESS: KeyScope = { regions: null, instances: null, tags: null, actions: null };

/** What a request wants to do, as far as it is known before asking EC2. */
export interface ScopeRequest {
  action: ScopeAction;
  region?: string;
  instanceId?: string;
}

/**
 * Why `scope` does not allow `request`, or null when it does. The reason names
 * what is not allowed, for the 403 answer.
 */
export function scopeDenial(scope: KeyScope, request: ScopeRequest): string | null {
  if (!actionAllowed(scope, request.action)) {
    const what = request.action === "read"
      ? "read instances"
      : request.action === "active"
      ? "send heartbeats (active)"
      : request.action === "hold"
      ? "hold instances (keep or release)"
      : request.action;
    return `This key may not ${what}`;
  }
  if (request.region !== undefined && scope.regions && !scope.regions.has(request.region)) {
    return `This key may not act in region "${request.region}"`;
  }
  if (
    request.instanceId !== undefined && scope.instances && !scope.instances.has(request.instanceId)
  ) {
    return `This key may not act on instance "${request.instanceId}"`;
  }
  return null;
}

/** Whether an instance with `tags` is inside the scope's tag allow-list. */
export function tagsAllowed(scope: KeyScope, tags: Readonly<Record<string, string>>): boolean {
  if (!scope.tags) return true;
  return Object.entries(scope.tags).every(([key, value]) => tags[key] === value);
}

/** Whether an instance is visible to `scope` once its region is allowed. */
export function instanceAllowed(
  scope: KeyScope,
  instance: { id: string; tags: Readonly<Record<string, string>> },
): boolean {
  return (!scope.instances || scope.instances.has(instance.id)) &&
    tagsAllowed(scope, instance.tags);
}

/**
 * Whether the scope's action list allows `action`. A key that may stop an
 * instance may also hold it: the hold is the dashboard's Keep beside Stop,
 * and keys configured before `hold` existed keep the button.
 */
export function actionAllowed(scope: KeyScope, action: ScopeAction): boolean {
  if (!scope.actions || scope.actions.has(action)) return true;
  return action === "hold" && scope.actions.has("stop");
}
