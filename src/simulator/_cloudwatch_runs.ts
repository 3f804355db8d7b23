/**
 * The running intervals of instances, recorded from their state changes: the
 * other side of the CloudWatch simulator's `RunningHistory` seam, for the EC2
 * simulator (or a test) to feed.
 *
 * @module
 */

/** A span an instance was running: ms since the epoch; `end` null while it still runs. */
export interface RunningInterval {
  start: number;
  end: number | null;
}

/** Intervals kept per instance; the oldest go first, far older than any window read. */
const MAX_INTERVALS = 1000;

/**
 * Records when instances enter and leave `running`. Hand `history` to the
 * CloudWatch simulator; call `changed` on every state change, with the time it
 * took effect.
 */
export class RunLog {
  readonly #runs = new Map<string, RunningInterval[]>();

  /** The seam's function: the intervals of one instance, or null when it was never recorded. */
  readonly history = (region: string, instanceId: string): readonly RunningInterval[] | null =>
    this.#runs.get(key(region, instanceId)) ?? null;

  /**
   * Notes that `instanceId` is in `state` from `at` (ms) on. Entering
   * `running` opens an interval, any other state closes the open one; a
   * repeated state changes nothing. Times must not go backwards.
   */
  changed(region: string, instanceId: string, state: string, at: number): void {
    const id = key(region, instanceId);
    let runs = this.#runs.get(id);
    if (!runs) {
      runs = [];
      this.#runs.set(id, runs);
    }
    const open = runs.at(-1)?.end === null ? runs.at(-1) : undefined;
    if (state === "running") {
      if (open) return;
      runs.push({ start: at, end: null });
      if (runs.length > MAX_INTERVALS) runs.shift();
    } else if (open) {
      open.end = Math.max(open.start, at);
    }
  }
}

function key(region: string, instanceId: string): string {
  return `${region}/${instanceId}`;
}
