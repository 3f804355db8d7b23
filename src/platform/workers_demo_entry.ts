/**
 * The demo Workers bundle's entry (`deno task build:demo` →
 * dist/worker-demo.js): the production bundle plus the EC2 simulator, served
 * when the worker has `DEMO=true` bound.
 *
 * @module
 */
import { createDemo } from "./demo.ts";
import { workersHandlers } from "./workers.ts";

export default workersHandlers({ demo: createDemo });
