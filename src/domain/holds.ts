/**
 * Holds: `workwork:hold_until` keeps the sweep's hands off an instance until
 * a time (no stop, no autostart). Set by `POST /instance/<region>/<id>/hold`
 * (the dashboard's Keep 1 h / 4 h) and by the "keep" links of a warning;
 * released by `DELETE` on the same path. Anything else that wants to keep a
 * box writes it with {@linkcode setHold}.
 *
 * @module
 */
import type { CallOptions, Ec2Client } from "../aws/ec2.ts";
import { parseIsoTime } from "./times.ts";

/** Leave the instance alone until this ISO 8601 time. */
export const HOLD_UNTIL_TAG = "workwork:hold_until";
/**
 * The planned stop a warning was sent for (ISO time); see `warnings.ts`.
 * Here because a hold ends the warning's plan: setting one empties it.
 */
export const WARNED_TAG = "workwork:warned";
/** The longest hold that may be set: a week. */
export const MAX_HOLD_MS = 7 * 24 * 3_600_000;

/** What {@linkcode setHold} writes. */
export interface HoldRequest {
  region: string;
  instanceId: string;
  /** Until when the sweep leaves the instance alone. */
  until: Date;
}

/**
 * Sets `workwork:hold_until` to `until`, in one CreateTags that also empties
 * `workwork:warned` (a stop warned about before the hold gets a warning of
 * its own once the hold ends); `tags` ride in the same call.
 */
export async function setHold(
  ec2: Ec2Client,
  hold: HoldRequest,
  options: CallOptions & { tags?: Readonly<Record<string, string>> } = {},
): Promise<void> {
  const { tags, ...call } = options;
  await ec2.createTags(hold.region, [hold.instanceId], {
    ...tags,
    [HOLD_UNTIL_TAG]: hold.until.toISOString(),
    [WARNED_TAG]: "",
  }, call);
}

/**
 * Deletes `workwork:hold_until` (that key only, whatever its value): the
 * sweep's rules apply again from its next run. Releasing an instance that
 * holds none succeeds.
 */
export async function releaseHold(
  ec2: Ec2Client,
  target: { region: string; instanceId: string },
  options: CallOptions = {},
): Promise<void> {
  await ec2.deleteTags(target.region, [target.instanceId], [HOLD_UNTIL_TAG], options);
}

/** The hold's end in ms when `tags` hold the instance at `now`; null when not held. */
export function heldUntil(tags: Readonly<Record<string, string>>, now: Date): number | null {
  const until = tags[HOLD_UNTIL_TAG] ? parseIsoTime(tags[HOLD_UNTIL_TAG]) : null;
  return until !== null && until > now.getTime() ? until : null;
}
