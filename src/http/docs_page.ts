/**
 * The OpenAPI document as one readable HTML page for `GET /docs`: no script,
 * no stylesheet or font from a CDN, nothing loaded from elsewhere.
 *
 * @module
 */
import { OPENAPI_PATH } from "./openapi.ts";

type Json = Record<string, unknown>;

/** The document as one self-contained HTML page: every operation, parameter and answer. */
export function renderDocs(document: Json): string {
  const info = document.info as Json;
  const paths = document.paths as Record<string, Record<string, Json>>;
  const sections = Object.entries(paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) =>
      renderOperation(method, path, operation)
    )
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(String(info.title))} API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{font:600 1.1rem ui-monospace,monospace;border-top:1px solid #ccc;padding-top:1rem}
.m{display:inline-block;min-width:4rem;color:#fff;background:#555;border-radius:4px;text-align:center;margin-right:.5rem}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
code{background:#f3f3f3;padding:0 .2rem}
</style></head><body>
<h1>${escape(String(info.title))} API</h1>
<p>${inline(String(info.description))}</p>
<p>The machine-readable document: <a href="${OPENAPI_PATH}">${OPENAPI_PATH}</a> (OpenAPI 3.1).</p>
${sections.join("\n")}
</body></html>`;
}

function renderOperation(method: string, path: string, operation: Json): string {
  const parameters = (operation.parameters as Json[] | undefined) ?? [];
  const responses = operation.responses as Record<string, Json>;
  const rows = parameters.map((p) =>
    `<tr><td><code>${escape(String(p.name))}</code></td><td>${escape(String(p.in))}</td><td>${
      inline(String(p.description ?? ""))
    }</td></tr>`
  );
  const answers = Object.entries(responses).map(([status, answer]) =>
    `<tr><td>${status}</td><td>${inline(String(answer.description))}</td></tr>`
  );
  const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
  return `<section><h2><span class="m">${method.toUpperCase()}</span>${escape(path)}</h2>
<p>${escape(String(operation.summary))} (<code>${escape(String(operation.operationId))}</code>)${
    isPublic ? " — public, no key" : ""
  }</p>
${operation.description ? `<p>${inline(String(operation.description))}</p>` : ""}
${
    rows.length
      ? `<table><tr><th>parameter</th><th>in</th><th>meaning</th></tr>${rows.join("")}</table>`
      : ""
  }
<table><tr><th>status</th><th>answer</th></tr>${answers.join("")}</table></section>`;
}

/** Escapes text, then turns `code` spans into `<code>`. */
function inline(text: string): string {
  return escape(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
