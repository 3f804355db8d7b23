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
    const text = notificationText(event);
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
    } catch (error) {
      const why = error instanceof Error ? error.name : "error";
      log?.(`notify: the webhook could not be reached (${why})`);
    }
  }

  return {
    notify(event) {
      // Nothing to wait for: a caller on Workers then needs no waitUntil.
      if (!url) return undefined;
      const sending = post(event);
      pending.add(sending);
      sending.finally(() => pending.delete(sending));
      return sending;
    },
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
