/**
 * Notifications of state changes to a chat webhook (`NOTIFY_WEBHOOK_URL`).
 * One JSON body suits both Slack and Discord incoming webhooks: Slack reads
 * `text`, Discord reads `content`, and each ignores the other's field.
 *
 * @see https://api.slack.com/messaging/webhooks
 * @see https://discord.com/developers/docs/resources/webhook#execute-webhook
 * @module
 */

/** How long a webhook may take before it counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 5_000;
/** Discord refuses `content` longer than this. */
const MAX_MESSAGE_LENGTH = 2_000;

/** One state change to tell people about. */
export interface StateChangeEvent {
  action: "start" | "stop" | "reboot";
  region: string;
  instanceId: string;
  /** The instance's `Name` tag, when known. */
  name?: string | null;
  /** Who asked: `key <name>` for the API, `sweep` for the auto-stop sweep. */
  by: string;
  /** Why, for the sweep: e.g. `ran 4h 10m, over its max_runtime of 4h`. */
  reason?: string;
  /** Stop options that were used. */
  hibernate?: boolean;
  force?: boolean;
}

/** Sends notifications; never rejects. */
export interface Notifier {
  /**
   * Posts `event`; the promise settles when the webhook answered or failed.
   * Undefined when no webhook is set: nothing is sent.
   */
  notify(event: StateChangeEvent): Promise<void> | undefined;
  /**
   * Resolves once every notification sent so far has settled; undefined when
   * none is pending.
   */
  settled(): Promise<void> | undefined;
  /**
   * Posts a warning of a coming stop; resolves true once the webhook accepted
   * it (2xx), false when it did not. Absent when there is nowhere to send one.
   */
  warn?(warning: StopWarning): Promise<boolean>;
}

/** A stop the sweep will make, told before it makes it. */
export interface StopWarning {
  region: string;
  instanceId: string;
  name?: string | null;
  /** Why it will be stopped: the sweep's reason. */
  reason: string;
  /** When, ms since the epoch. */
  stopAt: number;
  /** How long before the stop the warning goes out, ms. */
  warnBeforeMs: number;
  /** An idle stop happens only if the box stays unused. */
  idle: boolean;
  /** Signed links, when `LINK_SECRET` and `PUBLIC_URL` are set. */
  links?: { keep_1h: string; keep_4h: string; stop: string } | null;
}

/** Options of {@linkcode createNotifier}. */
export interface NotifierOptions {
  /** The webhook; null sends nothing. */
  url: string | null;
  fetch?: (request: Request) => Promise<Response>;
  /** Where failures are logged. The URL is never logged: it is a secret. */
  log?: (line: string) => void;
}

/** A notifier posting to `options.url`. */
export function createNotifier(options: NotifierOptions): Notifier {
  const { url, log } = options;
  const send = options.fetch ?? ((request: Request) => fetch(request));
  const pending = new Set<Promise<void>>();

  async function post(event: StateChangeEvent): Promise<void> {
    await postText(notificationText(event));
  }

  /** Whether the webhook accepted `text`. */
  async function postText(text: string): Promise<boolean> {
    try {
      const response = await send(
        new Request(url!, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ text, content: text }),
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        }),
      );
      await response.body?.cancel();
      if (!response.ok) log?.(`notify: the webhook answered HTTP ${response.status}`);
      return response.ok;
    } catch (error) {
      const why = error instanceof Error ? error.name : "error";
      log?.(`notify: the webhook could not be reached (${why})`);
      return false;
    }
  }

  function track<T>(sending: Promise<T>): Promise<T> {
    const done = sending.then(() => {});
    pending.add(done);
    done.finally(() => pending.delete(done));
    return sending;
  }

  return {
    notify(event) {
      // Nothing to wait for: a caller on Workers then needs no waitUntil.
      if (!url) return undefined;
      return track(post(event));
    },
    warn: url ? (warning) => track(postText(warningText(warning))) : undefined,
    settled() {
      if (pending.size === 0) return undefined;
      return Promise.all(pending).then(() => {});
    },
  };
}

/** The message for `event`, one line, e.g. `workwork: stopped dev-box (i-0abc…, us-west-2) …`. */
export function notificationText(event: StateChangeEvent): string {
  const verb = { start: "started", stop: "stopped", reboot: "rebooted" }[event.action];
  const how = event.hibernate ? " (hibernated)" : event.force ? " (forced)" : "";
  const what = event.name
    ? `${event.name} (${event.instanceId}, ${event.region})`
    : `${event.instanceId} (${event.region})`;
  const why = event.reason ? `: ${event.reason}` : "";
  return `workwork: ${verb}${how} ${what}, by ${event.by}${why}`.slice(0, MAX_MESSAGE_LENGTH);
}

/**
 * The message for a warning, e.g. `workwork: dev-box (i-0abc…, us-west-2)
 * will be stopped at 19:00 UTC (in 15 min): outside its schedule "…"`, then
 * the links, one per line.
 */
export function warningText(warning: StopWarning): string {
  const what = warning.name
    ? `${warning.name} (${warning.instanceId}, ${warning.region})`
    : `${warning.instanceId} (${warning.region})`;
  const at = new Date(warning.stopAt).toISOString().slice(0, 16).replace("T", " ");
  const minutes = Math.round(warning.warnBeforeMs / 60_000);
  const when = warning.idle ? `in ${minutes} min unless it is used (at ${at} UTC)` : `at ${at} UTC`;
  const links = warning.links
    ? `\nKeep 1 h: ${warning.links.keep_1h}\nKeep 4 h: ${warning.links.keep_4h}\nStop now: ${warning.links.stop}`
    : "";
  const head = `workwork: ${what} will be stopped ${when}: ${warning.reason}`;
  return `${head.slice(0, MAX_MESSAGE_LENGTH - links.length)}${links}`;
}
