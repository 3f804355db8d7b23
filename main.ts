/**
 * The entry point: it picks the platform's adapter.
 *
 * - Deno (`deno task start`, `deno serve`, Deno Deploy, `deno task compile`):
 *   src/platform/deno.ts, with the demo for local runs without credentials.
 * - Cloudflare Workers, if this file is bundled for it: src/platform/workers.ts
 *   with the demo. `deno task build` bundles src/platform/workers_entry.ts
 *   instead, which carries no demo (docs/deploy.md).
 *
 * @module
 */
import { createDemo } from "./src/platform/demo.ts";
import { denoAdapter, SWEEP_CRON, SWEEP_JOB } from "./src/platform/deno.ts";
import { workersHandlers } from "./src/platform/workers.ts";

export { DENO_VARIABLES } from "./src/platform/deno.ts";

const onDeno = typeof Deno !== "undefined";
const deno = onDeno ? denoAdapter({ demo: createDemo }) : undefined;

/** `Deno.cron` where there is one (`--unstable-cron`, Deno Deploy); on Workers and elsewhere, nothing. */
const cron: typeof Deno.cron = (onDeno && Deno.cron) || (() => Promise.resolve());

// At the top level of the entry and unconditionally, before any server
// starts, as Deno Deploy wants it: a Deno.cron inside an `if` or a callback is
// not picked up there.
cron(SWEEP_JOB, SWEEP_CRON, { signal: deno?.signal }, () => deno?.cronSweep());

if (deno && import.meta.main) deno.start();

export default deno
  ? { fetch: deno.fetch, onListen: deno.onListen }
  : workersHandlers({ demo: createDemo });
