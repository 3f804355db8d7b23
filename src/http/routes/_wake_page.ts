/**
 * The wake-up page's HTML: a shell that says nothing about the instance
 * until its script has asked `…/status` with the browser's session, so the
 * page itself can be fetched by anyone (a link preview, a crawler) and
 * learns or changes nothing. Style and script are inline with the CSP nonce.
 *
 * @module
 */
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; padding: 1rem; display: flex; justify-content: center; }
main { width: 100%; max-width: 28rem; }
h1 { font-size: 1.4rem; margin: 0 0 .75rem; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: auto 1fr; gap: .35rem .75rem; margin: 0 0 1rem; }
dt { color: GrayText; } dd { margin: 0; overflow-wrap: anywhere; }
button, input { font: inherit; padding: .7rem 1rem; border-radius: .5rem; width: 100%; box-sizing: border-box; }
button.primary { background: #1a7f37; color: #fff; border: 0; font-weight: 600; }
button:disabled { opacity: .6; }
input { border: 1px solid GrayText; margin: .25rem 0 .75rem; }
ul { padding-left: 1.1rem; margin: 0 0 1rem; } li { overflow-wrap: anywhere; }
.error { color: #cf222e; } [hidden] { display: none !important; }
#message { min-height: 1.5rem; }
`;

const SCRIPT = `
const base = location.pathname.replace(/\\/+$/, "");
const $ = (id) => document.getElementById(id);
const POLL_MS = 3000, POLL_LIMIT_MS = 10 * 60 * 1000;
let started = false, pollUntil = 0, timer = null;
function show(view) {
  for (const el of document.querySelectorAll("[data-view]")) el.hidden = el.dataset.view !== view;
}
function say(text, error) { $("message").textContent = text; $("message").className = error ? "error" : ""; }
async function json(response) { try { return await response.json(); } catch { return null; } }
function titleOf(body, response) { return body?.errors?.[0]?.title ?? "The service answered HTTP " + response.status; }
async function load() {
  clearTimeout(timer);
  let response;
  try {
    response = await fetch(base + "/status", { headers: { accept: "application/json" } });
  } catch { show("status"); return say("The service cannot be reached: check your connection", true); }
  const body = await json(response);
  if (response.status === 401 || response.status === 422) { show("signin"); return; }
  if (!response.ok) { show("problem"); $("problem").textContent = titleOf(body, response); return; }
  render(body);
}
function render(s) {
  show("status");
  $("name").textContent = s.name ?? s.instance_id;
  $("state").textContent = s.state;
  $("address").textContent = [s.public_ip_address, s.ipv6_address].filter(Boolean).join(", ") || "\\u2014";
  const list = $("names");
  list.replaceChildren(...s.names.map((n) => {
    const item = document.createElement("li");
    item.textContent = n.name + " " + n.type + " \\u2192 " + (n.found.join(", ") || "no record yet") +
      (n.resolves ? " \\u2713" : n.error ? " (" + n.error + ")" : "");
    return item;
  }));
  $("names-row").hidden = s.names.length === 0;
  const start = $("start");
  start.hidden = !(s.may_start && s.state === "stopped");
  start.disabled = started && s.state === "stopped";
  if (s.ready) {
    if (s.url) { say("Ready: opening " + s.url); location.assign(s.url); return; }
    say(s.url_problem ?? "Ready: running at " + s.public_ip_address, Boolean(s.url_problem));
    return;
  }
  const waiting = s.state === "running" ? (s.dns_problem ?? (s.public_ip_address
      ? "Running: waiting for its names to point at " + s.public_ip_address
      : "Running, without a public IPv4 address"))
    : s.state === "pending" ? "Starting\\u2026"
    : s.state === "stopping" ? "Stopping: it can be started again once stopped"
    : s.state === "stopped" ? (s.may_start ? (started ? "Starting\\u2026" : "Stopped") : "Stopped: this key may not start it")
    : "State: " + s.state;
  say(waiting, Boolean(s.state === "running" && s.dns_problem));
  const moving = started || s.state === "pending" || s.state === "stopping" || (s.state === "running" && !s.dns_problem);
  if (moving && Date.now() < (pollUntil ||= Date.now() + POLL_LIMIT_MS)) timer = setTimeout(load, POLL_MS);
  else if (moving) say("Still not ready after 10 minutes: reload to look again", true);
}
$("start").addEventListener("click", async () => {
  $("start").disabled = true;
  say("Starting\\u2026");
  let response;
  try { response = await fetch(base + "/start", { method: "POST" }); }
  catch { $("start").disabled = false; return say("The service cannot be reached: check your connection", true); }
  if (response.status === 401 || response.status === 422) { show("signin"); return; }
  if (!response.ok) { $("start").disabled = false; return say(titleOf(await json(response), response), true); }
  started = true; pollUntil = Date.now() + POLL_LIMIT_MS;
  load();
});
$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const key = $("api-key").value.trim();
  if (!key) return;
  const response = await fetch("/session", {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ api_key: key }),
  });
  $("api-key").value = "";
  if (!response.ok) { $("signin-error").textContent = titleOf(await json(response), response); return; }
  $("signin-error").textContent = "";
  load();
});
load();
`;

/** The wake-up page; `target` is the id or Name from the path, shown until the status names it. */
export function wakePage(
  options: { nonce: string; target: string },
): HtmlEscapedString | Promise<HtmlEscapedString> {
  const { nonce, target } = options;
  return html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>Wake ${target} \\u2014 workwork</title>
        <style nonce="${nonce}">${raw(STYLE)}</style>
      </head>
      <body>
        <main>
          <h1 id="name">${target}</h1>
          <section data-view="status" hidden>
            <dl>
              <dt>State</dt>
              <dd id="state"></dd>
              <dt>Address</dt>
              <dd id="address"></dd>
            </dl>
            <div id="names-row" hidden>
              <p>Names</p>
              <ul id="names"></ul>
            </div>
            <button id="start" class="primary" type="button" hidden>Start</button>
            <p id="message" role="status" aria-live="polite"></p>
          </section>
          <section data-view="signin" hidden>
            <p>Sign in with your API key to see and start this machine.</p>
            <form id="signin-form">
              <label for="api-key">API key</label>
              <input id="api-key" name="api_key" type="password" required
                autocomplete="current-password" autocapitalize="off" spellcheck="false">
              <button type="submit" class="primary">Sign in</button>
              <p id="signin-error" class="error" role="alert"></p>
            </form>
            <p>Or sign in on the <a href="/">dashboard</a>, then come back to this page.</p>
          </section>
          <p data-view="problem" id="problem" class="error" role="alert" hidden></p>
          <noscript><p>This page needs JavaScript to show the machine and start it.</p></noscript>
        </main>
        <script nonce="${nonce}">${raw(SCRIPT)}</script>
      </body>
    </html>
  `;
}
