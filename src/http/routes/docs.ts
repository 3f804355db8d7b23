/**
 * The API's description: `GET /openapi.json` and the page reading it, `GET /docs`.
 *
 * @module
 */
import { Hono } from "hono/tiny";
import { renderDocs } from "../docs_page.ts";
import type { Env } from "../env.ts";
import { DOCS_PATH, OPENAPI_DOCUMENT, OPENAPI_PATH } from "../openapi.ts";

/** The documentation routes; they need no key. */
export function docsRoutes(): Hono<Env> {
  const app = new Hono<Env>();
  app.get(OPENAPI_PATH, (c) => c.json(OPENAPI_DOCUMENT));
  app.get(DOCS_PATH, (c) => c.html(renderDocs(OPENAPI_DOCUMENT)));
  return app;
}
