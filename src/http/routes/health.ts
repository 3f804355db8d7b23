/**
 * `GET /healthz` for load balancers: no key, no call to AWS, so an AWS outage
 * does not take the service out of rotation.
 *
 * @module
 */
import { Hono } from "hono/tiny";
import type { Env } from "../env.ts";
import { HEALTH_PATH } from "../openapi.ts";
import { SERVICE_VERSION } from "../version.ts";

/** The health route. */
export function healthRoutes(): Hono<Env> {
  const app = new Hono<Env>();
  app.get(HEALTH_PATH, (c) => c.json({ status: "ok", version: SERVICE_VERSION }));
  return app;
}
