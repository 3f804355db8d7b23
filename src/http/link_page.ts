/**
 * The small page a signed link opens: what the link does, for which
 * instance, and one button. Works at phone width, with no script.
 *
 * @module
 */
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { InstanceLink } from "../domain/links.ts";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; padding: 1.5rem 1rem; max-width: 32rem; margin-inline: auto; line-height: 1.5; }
h1 { font-size: 1.3rem; margin: 0 0 0.75rem; }
p { margin: 0 0 1rem; overflow-wrap: anywhere; }
button { width: 100%; min-height: 44px; font-size: 1.1rem; border-radius: 0.5rem; border: 0;
  background: #1f6feb; color: #fff; cursor: pointer; }
button:focus-visible { outline: 3px solid #f0b72f; outline-offset: 2px; }
.done { padding: 0.75rem; border-radius: 0.5rem; background: #2da44e22; }
`;

/** What each action's button says, and what the page says it will do. */
const WORDING: Record<InstanceLink["action"], { button: string; what: string }> = {
  keep_1h: { button: "Keep it running 1 hour", what: "keeps it running for one more hour" },
  keep_4h: { button: "Keep it running 4 hours", what: "keeps it running for four more hours" },
  stop: { button: "Stop it now", what: "stops it now" },
  start: { button: "Start it", what: "starts it" },
};

/** The page before the button is pressed: a GET changes nothing. */
export function linkPage(link: InstanceLink, nonce: string): Html {
  const { button, what } = WORDING[link.action];
  return layout(
    nonce,
    button,
    html`
      <h1>${link.instanceId}</h1>
      <p>In ${link.region}. This button ${what}. The link works until ${time(link.expires)}.</p>
      <form method="post"><button type="submit">${button}</button></form>
    `,
  );
}

/** The page after the button did its work. */
export function linkDonePage(link: InstanceLink, said: string, nonce: string): Html {
  return layout(
    nonce,
    "Done",
    html`
      <h1>${link.instanceId}</h1>
      <p class="done" role="status">${said}</p>
    `,
  );
}

/** `2026-11-26 13:00 UTC`. */
export function time(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function layout(nonce: string, title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <title>${title} · workwork</title>
    <link rel="icon" href="data:,">
    <style nonce="${nonce}">${raw(STYLE)}</style>
  </head>
  <body>
    ${body}
  </body>
</html>`;
}
