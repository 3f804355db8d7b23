/**
 * The dashboard's HTML, rendered on the server with `hono/html` tagged
 * templates, which escape every interpolated value (instance names and tags
 * are whatever the EC2 account holds). The style and script are inlined and
 * carry the response's CSP nonce.
 *
 * @module
 */
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { InstanceView } from "../../domain/instances.ts";
import { DASHBOARD_SCRIPT } from "./script.ts";
import { DASHBOARD_STYLE } from "./style.ts";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The instance actions that get a button, in order. */
const BUTTONS = [
  { action: "start", text: "Start" },
  { action: "stop", text: "Stop" },
  { action: "reboot", text: "Reboot" },
] as const;
const NO_VALUE = "\u2014";

/** One region's section of the page: its instances, or why they could not be listed. */
export interface RegionListing {
  region: string;
  instances: InstanceView[];
  /** Why the region could not be listed, in words for the page. */
  error?: string;
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
  options: { nonce: string; session: PageSession; regions: readonly RegionListing[] },
): Html {
  const { nonce, session, regions } = options;
  const actions = BUTTONS.filter(({ action }) => session.actions.includes(action));
  return layout(
    nonce,
    "workwork",
    html`
      <header class="bar">
        <h1>workwork</h1>
        <p class="who">Signed in as <strong>${session.name}</strong></p>
        <a href="/">Refresh</a>
        <form method="post" action="/session/delete"><button type="submit">Sign out</button></form>
      </header>
      <main>
      ${regions.map((listing) => regionSection(listing, actions))}
      </main>
      <p id="live" class="sr-only" aria-live="polite"></p>
      <script nonce="${nonce}">${raw(DASHBOARD_SCRIPT)}</script>
    `,
  );
}

function regionSection(
  listing: RegionListing,
  actions: readonly typeof BUTTONS[number][],
): Html {
  const { region, instances, error } = listing;
  let body: Html | string;
  if (error) {
    body = html`<p class="error" role="alert">Could not list ${region}: ${error}</p>`;
  } else if (instances.length === 0) {
    body = html`<p class="empty">No instances this key may see.</p>`;
  } else {
    body = html`<ul class="instances">${
      instances.map((instance) => instanceCard(region, instance, actions))
    }</ul>`;
  }
  return html`
    <section aria-labelledby="region-${region}">
    <h2 id="region-${region}">${region}</h2>
    ${body}
    </section>
  `;
}

function instanceCard(
  region: string,
  instance: InstanceView,
  actions: readonly typeof BUTTONS[number][],
): Html {
  const { id, name, state, type } = instance;
  const label = name ?? id;
  const address = instance.public_ip_address;
  return html`
    <li class="instance" data-region="${region}" data-id="${id}" data-name="${name ?? ""}"
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
    ${actions.length
      ? html`<div class="actions">${
        actions.map(({ action, text }) =>
          html`
            <button type="button" data-action="${action}" aria-label="${text} ${label}"
              ${enabled(action, state) ? "" : raw(" disabled")}>${text}</button>
          `
        )
      }</div>`
      : ""}
    <p class="message" role="status"></p>
    </li>
  `;
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
        <link rel="icon" href="data:,">
        <style nonce="${nonce}">${raw(DASHBOARD_STYLE)}</style>
      </head>
      <body>
    ${body}
      </body>
    </html>
  `;
}
