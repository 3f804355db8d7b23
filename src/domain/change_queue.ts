/**
 * Changes to one instance, one after another: within one process a start,
 * stop or reboot of an instance waits until the change before it (its state
 * call, tag write and confirmation) is done, so their tag writes land in the
 * order EC2 accepted the changes. Each app owns its queue; nothing is kept at
 * module level, and nothing is shared across isolates (see
 * docs/consistency.md for how those converge).
 *
 * @module
 */

/** A change waited for an earlier change to the same instance until its deadline passed. */
export class ChangeInProgressError extends Error {
  constructor(instanceId: string) {
    super(
      `Another change to instance "${instanceId}" is still in progress: nothing was done, try again`,
    );
    this.name = "ChangeInProgressError";
  }
}

/** Which instance a change is for. */
export interface ChangeTarget {
  region: string;
  instanceId: string;
}

/** Options of {@linkcode InstanceChangeQueue}. */
export interface ChangeQueueOptions {
  /** Told when a change has to wait for an earlier one to the same instance (logs, tests). */
  onQueued?: (target: ChangeTarget) => void;
}

/** Runs the changes to each instance in the order they arrive, one at a time. */
export class InstanceChangeQueue {
  /** Per instance, the promise that settles when its last queued change is done. */
  readonly #tails = new Map<string, Promise<void>>();
  readonly #onQueued: ((target: ChangeTarget) => void) | undefined;

  constructor(options: ChangeQueueOptions = {}) {
    this.#onQueued = options.onQueued;
  }

  /**
   * Runs `change` once every change queued before it for the same instance is
   * done, and answers what it answers. When `signal` aborts while it waits,
   * `change` never runs.
   *
   * @throws {ChangeInProgressError} when `signal` aborts before its turn
   */
  async run<T>(
    target: ChangeTarget,
    change: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const key = `${target.region}/${target.instanceId}`;
    const previous = this.#tails.get(key);
    const { promise: finished, resolve: finish } = Promise.withResolvers<void>();
    // The next change waits for this one and, if this one gives up waiting,
    // still for the one before.
    const tail = previous ? previous.then(() => finished) : finished;
    this.#tails.set(key, tail);
    try {
      if (previous) {
        this.#onQueued?.(target);
        await turn(previous, signal, target.instanceId);
      }
      return await change();
    } finally {
      finish();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Whether a change to this instance is running or waiting. */
  has(target: ChangeTarget): boolean {
    return this.#tails.has(`${target.region}/${target.instanceId}`);
  }
}

function turn(previous: Promise<void>, signal: AbortSignal | undefined, id: string) {
  if (!signal) return previous;
  if (signal.aborted) return Promise.reject(new ChangeInProgressError(id));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(new ChangeInProgressError(id));
    signal.addEventListener("abort", onAbort, { once: true });
    previous.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
