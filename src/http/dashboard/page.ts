/**
 * The dashboard's HTML, rendered on the server with `hono/html` tagged
 * templates, which escape every interpolated value (instance names and tags
 * are whatever the EC2 account holds). The style and script are inlined and
 * carry the response's CSP nonce.
 *
 * @module
 */
import { html as escapedHtml, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { InstanceView } from "../../domain/instances.ts";
import { DASHBOARD_SCRIPT } from "./script.ts";
import { DASHBOARD_STYLE } from "./style.ts";
import { ICON_SVG_PATH, iconPngPath, MANIFEST_PATH, THEME_COLORS } from "./manifest.ts";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Each template's own text, its indentation taken off once; the values are left as they are. */
const COMPACTED = new WeakMap<TemplateStringsArray, TemplateStringsArray>();

/**
 * `hono/html`'s `html`, escaping every value, over the template's text
 * without the indentation the source needs (a fifth of the page's bytes).
 */
function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let compact = COMPACTED.get(strings);
  if (!compact) {
    const parts = strings.map((part) => part.replace(/\n\s+/g, "\n"));
    compact = Object.assign(parts, { raw: parts }) as unknown as TemplateStringsArray;
    COMPACTED.set(strings, compact);
  }
  return escapedHtml(compact, ...values);
}

/** The instance actions that get a button, in order. */
const BUTTONS = [
  { action: "start", text: "Start" },
  { action: "stop", text: "Stop" },
  { action: "reboot", text: "Reboot" },
] as const;
/** The other ways to stop, behind the Stop button's menu: the API's stop options. */
const STOP_OPTIONS = [
  { option: "hibernate", text: "Hibernate" },
  { option: "force", text: "Force stop" },
] as const;
const NO_VALUE = "\u2014";
/** The Stop menu's toggle: a small triangle pointing down. */
const MORE = "\u25be";

/** One card: the instance as the API shows it, `next` and `last_change` included. */
export type CardView = InstanceView;

/**
 * What the sweep will do next, in words: "Stops at 14:30 UTC: ran 4 h, the
 * limit"; empty when it plans nothing. The page's script rewrites the time
 * in the browser's own zone.
 */
export function nextText(next: InstanceView["next"]): string {
  if (!next) return "";
  if (!next.action || !next.at) return next.reason;
  const verb = next.action === "stop" ? "Stops" : "Starts";
  return `${verb} at ${next.at.slice(11, 16)} UTC: ${next.reason}`;
}

/**
 * Who last changed the instance, how, and how long ago, seen at `now`:
 * "stopped by key ci, 2 h ago"; empty without a readable tag. The page's
 * script words it the same way, and keeps "ago" current.
 */
export function lastChangeText(last: InstanceView["last_change"], now: Date): string {
  if (!last) return "";
  const at = Date.parse(last.at);
  if (Number.isNaN(at)) return "";
  const done = LAST_DONE[last.action] ?? `${last.action}ed`;
  return `${done} by ${last.by}, ${agoText((now.getTime() - at) / 1000)}`;
}

/** The past tense of each action the last-change tag records. */
const LAST_DONE: Record<string, string> = {
  start: "started",
  stop: "stopped",
  reboot: "rebooted",
};

/** How long ago, in words; the page's script says it the same way. */
export function agoText(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/**
 * An active hold in words: "Kept until 15:10 UTC"; empty when not held. The
 * page's script rewrites the time in the browser's own zone.
 */
export function holdText(holdUntil: string | null): string {
  return holdUntil ? `Kept until ${holdUntil.slice(11, 16)} UTC` : "";
}

/** One region's section of the page: its instances, or why they could not be listed. */
export interface RegionListing {
  region: string;
  instances: CardView[];
  /** Why the region could not be listed, in words for the page. */
  error?: string;
  /** Where the region's next page starts (`GET /?region=<region>&next_token=…&cards=1`); null or absent: no more. */
  next_token?: string | null;
  /** The token this listing started at; absent for a region's first page. */
  token?: string;
}

/** What the page shows about the session. */
export interface PageSession {
  /** The key's name. */
  name: string;
  /** What the key may do: `read`, `start`, `stop`, `reboot`. */
  actions: readonly string[];
}

/** The sign-in form, with a notice when the last attempt failed. */
export function signInPage(options: { nonce: string; notice?: string }): Html {
  const { nonce, notice } = options;
  return layout(
    nonce,
    "Sign in \u2014 workwork",
    html`
      <main class="signin">
        <h1>workwork</h1>
        <p>Sign in with your API key to start and stop your machines.</p>
        <form method="post" action="/session">
      <label for="api-key">API key</label>
      <input id="api-key" name="api_key" type="password" required autocomplete="current-password"
      autocapitalize="off" spellcheck="false"${notice ? raw(' aria-describedby="notice"') : ""}>
      ${notice ? html`<p id="notice" class="error" role="alert">${notice}</p>` : ""}
      <button type="submit" class="primary">Sign in</button>
        </form>
      </main>
    `,
  );
}

/** The dashboard: the key's instances per region, with the buttons its scope allows. */
export function dashboardPage(
  options: {
    nonce: string;
    session: PageSession;
    regions: readonly RegionListing[];
    /** When the listing was read; "2 h ago" counts from it. */
    now?: Date;
  },
): Html {
  const { nonce, session, regions } = options;
  const card = cardOptions(session, options.now ?? new Date());
  const counts = summary(regions.flatMap(({ instances }) => instances.map(({ state }) => state)));
  return layout(
    nonce,
    `workwork: ${counts.title}`,
    html`
      <header class="bar">
        <h1>workwork</h1>
        <p class="who">Signed in as <strong>${session.name}</strong></p>
        <a href="/">Refresh</a>
        <form method="post" action="/session/delete"><button type="submit">Sign out</button></form>
        <p id="summary" class="summary">${counts.text}</p>
        <p class="find"><label for="filter">Filter</label>
        <input id="filter" type="search" autocomplete="off" spellcheck="false"
          aria-describedby="filter-note" placeholder="name, state or tag"></p>
        <p id="filter-note"
          class="filter-note">Filters the cards loaded on this page by name, state or tag.</p>
        <p id="revoked" class="error" role="alert"
          hidden><span id="revoked-why">Your key is no longer accepted.</span>
        <a href="/">Sign in again</a></p>
      </header>
      <main>
      ${regions.map((listing) => regionSection(listing, card))}
      </main>
      <p id="live" class="sr-only" aria-live="polite"></p>
      <script nonce="${nonce}">${raw(DASHBOARD_SCRIPT)}</script>
    `,
  );
}

/** What every card of the page needs besides its instance. */
interface CardOptions {
  actions: readonly typeof BUTTONS[number][];
  /** Whether the key may keep instances (Keep 1 h / 4 h, Release). */
  hold: boolean;
  now: Date;
}

/** The card options for `session`'s key, at `now`. */
function cardOptions(session: PageSession, now: Date): CardOptions {
  return {
    actions: BUTTONS.filter(({ action }) => session.actions.includes(action)),
    hold: session.actions.includes("hold"),
    now,
  };
}

/**
 * The cards of one more page of a region, for the page's "Show more": the
 * same markup the page is rendered with, in a `<ul>` carrying the page after
 * it (`data-next-token`, empty when this was the last).
 */
export function moreCards(
  options: { session: PageSession; listing: RegionListing; now: Date },
): Html {
  const { listing } = options;
  const card = cardOptions(options.session, options.now);
  return html`<ul class="instances" data-next-token="${listing.next_token ?? ""}">${
    cards(listing, card)
  }</ul>`;
}

/** The region's cards; two namesakes in one page are told apart by their ids. */
function cards(listing: RegionListing, card: CardOptions): Html[] {
  const { region, instances } = listing;
  const names = instances.map(({ name }) => name);
  return instances.map((instance) => {
    // The region makes a label unique across regions; the id, among namesakes in one.
    const { id, name } = instance;
    const twin = name !== null && names.indexOf(name) !== names.lastIndexOf(name);
    const label = name === null
      ? `${id} (${region})`
      : `${name} (${twin ? `${id}, ` : ""}${region})`;
    return instanceCard(region, instance, label, card);
  });
}

function regionSection(listing: RegionListing, card: CardOptions): Html {
  const { region, instances, error } = listing;
  const more = listing.next_token ?? "";
  const first = listing.token ?? "";
  let body: Html | string;
  if (error) {
    body = html`<p class="error" role="alert">Could not list ${region}: ${error}</p>`;
  } else if (instances.length === 0) {
    body = html`<p class="empty">No instances this key may see.</p>`;
  } else {
    body = html`<ul class="instances">${cards(listing, card)}</ul>`;
  }
  return html`
    <section aria-labelledby="region-${region}" data-region="${region}"
      data-first="${first}" data-pages=""
      data-next-token="${more}">
    <h2 id="region-${region}">${region}</h2>
    ${body}
    <p class="more-row"><button type="button" class="show-more"
      aria-label="Show more instances in ${region}"${more
        ? ""
        : raw(" hidden")}>Show more</button></p>
    <p class="note" role="status"></p>
    </section>
  `;
}

function instanceCard(
  region: string,
  instance: CardView,
  label: string,
  card: CardOptions,
): Html {
  const { id, name, state, type } = instance;
  const { actions } = card;
  const address = instance.public_ip_address;
  const next = nextText(instance.next);
  const held = holdText(instance.hold_until);
  const last = lastChangeText(instance.last_change, card.now);
  const tags = Object.entries(instance.tags).map(([key, value]) => `${key}=${value}`).join("\n");
  return html`
    <li class="instance" tabindex="-1" data-region="${region}" data-id="${id}"
      data-label="${label}" data-tags="${tags}" data-hold-until="${instance.hold_until ?? ""}"
      data-last="${instance.last_change ? JSON.stringify(instance.last_change) : ""}"
      data-next="${instance.next ? JSON.stringify(instance.next) : ""}"
      data-state="${state}" data-uptime="${instance.uptime_seconds ?? ""}">
    <div class="head"><h3>${name ?? html`<span class="unnamed">no name</span>`}</h3>
    <span class="state"><span class="dot"></span><span class="state-text">${state}</span></span></div>
    <dl>
    <div><dt>ID</dt><dd><code>${id}</code></dd></div>
    <div><dt>Type</dt><dd>${type}</dd></div>
    <div><dt>Address</dt><dd><code class="addr" title="${instance.public_dns_name ??
      ""}">${address ??
      NO_VALUE}</code><button type="button" class="copy" aria-label="Copy the address of ${label}"${address
      ? ""
      : raw(" hidden")}>Copy</button></dd></div>
    <div><dt>Uptime</dt><dd class="uptime">${uptimeText(instance.uptime_seconds)}</dd></div>
    </dl>
    <p class="next"${next ? "" : raw(" hidden")}>${next}</p>
    <p class="held"${held ? "" : raw(" hidden")}>${held}</p>
    <p class="last"${last ? "" : raw(" hidden")}>${last}</p>
    ${actions.length ? actionButtons(region, id, label, state, actions) : ""}
    ${card.hold ? holdButtons(label, state, instance.hold_until) : ""}
    <p class="message" role="status"></p>
    <p class="updated"></p>
    </li>
  `;
}

/** The card's buttons; Stop comes with a menu of the other ways to stop. */
function actionButtons(
  region: string,
  id: string,
  label: string,
  state: string,
  actions: readonly typeof BUTTONS[number][],
): Html {
  const menu = `stop-${region}-${id}`;
  const off = (action: string) => enabled(action, state) ? "" : raw(" disabled");
  const buttons = actions.map(({ action, text }) => {
    const button = html`
      <button type="button" data-action="${action}" aria-label="${text} ${label}"
        ${off(action)}>${text}</button>
    `;
    if (action !== "stop") return button;
    return html`
      <span
        class="split">${button}<button type="button" class="more" aria-expanded="false" aria-controls="${menu}" aria-label="More ways to stop ${label}"${off(
          action,
        )}>${MORE}</button></span>
    `;
  });
  const options = STOP_OPTIONS.map(({ option, text }) =>
    html`
      <button type="button" data-action="stop" data-option="${option}"
        aria-label="${text} ${label}">${text}</button>
    `
  );
  return html`<div class="actions">${buttons}</div>${
    actions.some(({ action }) => action === "stop")
      ? html`<div class="menu" id="${menu}" hidden>${options}</div>`
      : ""
  }`;
}

/** Keep 1 h / Keep 4 h while it runs; Release while it is held. */
function holdButtons(label: string, state: string, holdUntil: string | null): Html {
  const off = state === "running" ? "" : raw(" disabled");
  return html`
    <div
      class="actions holds">${HOLD_HOURS.map((hours) =>
        html`
          <button type="button" data-hold="${hours}"
            aria-label="Keep ${hours} h: ${label}" ${off}>Keep ${hours} h</button>
        `
      )}<button type="button" data-release="1" aria-label="Release the hold on ${label}"${holdUntil
        ? ""
        : raw(" hidden")}>Release</button></div>
  `;
}

/** The hold lengths the page offers: the API's `{"hours": 1|4}`. */
const HOLD_HOURS = [1, 4] as const;

/** The counts the page's top line and title show; the page's script counts the same way. */
export function summary(states: readonly string[]): { text: string; title: string } {
  const running = states.filter((state) => state === "running").length;
  const stopped = states.filter((state) => state === "stopped").length;
  const other = states.length - running - stopped;
  const parts = [`${running} running`, `${stopped} stopped`];
  if (other) parts.push(`${other} changing`);
  return { text: parts.join(" \u00b7 "), title: parts.join(", ") };
}

/** Whether `action` makes sense in `state`; the page's script applies the same rule. */
function enabled(action: string, state: string): boolean {
  return state === (action === "start" ? "stopped" : "running");
}

/** Uptime in words a person reads at a glance; the page's script formats it the same way. */
export function uptimeText(seconds: number | null): string {
  if (seconds === null) return NO_VALUE;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1) return "under a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

function layout(nonce: string, title: string, body: Html): Html {
  return html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>${title}</title>
        <meta name="theme-color" content="${THEME_COLORS
          .light}" media="(prefers-color-scheme: light)">
        <meta name="theme-color" content="${THEME_COLORS
          .dark}" media="(prefers-color-scheme: dark)">
        <link rel="manifest" href="${MANIFEST_PATH}">
        <link rel="icon" href="${ICON_SVG_PATH}" type="image/svg+xml">
        <link rel="apple-touch-icon" href="${iconPngPath(192)}">
        <style nonce="${nonce}">${raw(DASHBOARD_STYLE)}</style>
      </head>
      <body>
    ${body}
      </body>
    </html>
  `;
}
