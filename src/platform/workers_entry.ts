/**
 * The production Workers bundle's entry (`deno task build` → dist/worker.js):
 * the service talking to AWS with the credentials bound to the worker, and
 * nothing of the demo.
 *
 * @module
 */
import { workersHandlers } from "./workers.ts";

export default workersHandlers();
