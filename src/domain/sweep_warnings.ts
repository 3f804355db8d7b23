/**
 * The sweep's side of warnings: which stops to warn about, sending the
 * warning with its links, and the `workwork:warned` tag once it was accepted.
 *
 * @module
 */
import type { Ec2Client } from "../aws/ec2.ts";
import type { Instance } from "../aws/ec2_types.ts";
import { describeFailure } from "./failures.ts";
import { WARNED_TAG } from "./holds.ts";
import type { LinkSigner } from "./links.ts";
import type { Notifier, StopWarning } from "./notify.ts";
import { WARNING_GRACE_MS } from "./warnings.ts";

/** One warning the sweep sent, would send, or could not send. */
export interface SweepWarning {
  region: string;
  instance_id: string;
  name: string | null;
  action: "stop";
  reason: string;
  /** The planned stop, ISO time. */
  stop_at: string;
  /** As the sweep's actions: `done`, `would`, `failed`, `deferred`. */
  outcome: "done" | "would" | "failed" | "deferred";
  error?: string;
}

/** One audit line per warning. */
export interface SweepWarningAuditEntry extends SweepWarning {
  event: "sweep_warning";
  at: string;
  by: string;
}

/** What sending a warning needs. */
export interface WarningContext {
  ec2: Ec2Client;
  notifier: Notifier;
  links?: LinkSigner | null;
  now: Date;
  warnBeforeMs: number;
  timeoutMs: number;
  by: string;
  audit?: (entry: SweepWarningAuditEntry) => void;
}

/**
 * Sends `warning` with its links and, once the webhook accepted it, writes
 * the planned stop into `workwork:warned`. Sets the warning's outcome.
 */
export async function sendWarning(
  warning: SweepWarning,
  instance: Instance,
  idle: boolean,
  context: WarningContext,
): Promise<void> {
  const { region, instance_id: instanceId } = warning;
  const stopAt = Date.parse(warning.stop_at);
  const expires = context.now.getTime() + context.warnBeforeMs + WARNING_GRACE_MS;
  const link = (action: "keep_1h" | "keep_4h" | "stop") =>
    context.links!.url({ action, region, instanceId, expires });
  const links = context.links
    ? { keep_1h: await link("keep_1h"), keep_4h: await link("keep_4h"), stop: await link("stop") }
    : null;
  const message: StopWarning = {
    region,
    instanceId,
    name: instance.tags.Name ?? null,
    reason: warning.reason,
    stopAt,
    warnBeforeMs: Math.max(0, stopAt - context.now.getTime()),
    idle,
    links,
  };
  const accepted = await context.notifier.warn!(message);
  if (!accepted) {
    warning.outcome = "failed";
    warning.error = "The webhook did not accept the warning; the stop waits for one";
  } else {
    try {
      await context.ec2.createTags(region, [instanceId], { [WARNED_TAG]: warning.stop_at }, {
        signal: AbortSignal.timeout(context.timeoutMs),
      });
    } catch (error) {
      warning.outcome = "failed";
      warning.error = `Warned, but ${WARNED_TAG} was not written: ${describeFailure(error).title}`;
    }
  }
  context.audit?.({
    event: "sweep_warning",
    at: context.now.toISOString(),
    by: context.by,
    ...warning,
  });
}
