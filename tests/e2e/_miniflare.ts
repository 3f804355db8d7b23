/**
 * The Miniflare plumbing the workerd tests share: the bundle the build tasks
 * make, one routed worker of it with its bindings and `outboundService`, and
 * workerd's stdout and stderr gathered for the tests that look for secrets.
 *
 * @module
 */
import { assert } from "@std/assert";
import type { Request as MfRequest, Response as MfResponse } from "miniflare";
import type { Readable } from "node:stream";
import denoConfig from "../../deno.json" with { type: "json" };

/**
 * Runs the bundle command of the task `build` (the production Worker) or
 * `build:demo` with its output sent to `dir`, and returns the bundle.
 */
export async function buildBundle(
  dir: string,
  task: "build" | "build:demo" = "build",
): Promise<string> {
  const bundle = denoConfig.tasks[task].command.split(" && ")[0];
  const file = task === "build" ? "dist/worker.js" : "dist/worker-demo.js";
  assert(bundle.includes(` -o ${file} `), bundle);
  const output = `${dir}/${file.slice("dist/".length)}`;
  const [command, ...args] = bundle.replace(file, output).split(" ");
  const { success, stderr } = await new Deno.Command(command, {
    args,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert(success, new TextDecoder().decode(stderr));
  return await Deno.readTextFile(output);
}

/**
 * One worker of `script` answering `<name>.<domain>`, run with `compatibility`
 * (wrangler.toml's), `bindings`, and its outbound requests sent to `outbound`.
 */
export function routedWorker(
  name: string,
  domain: string,
  script: string,
  compatibility: { date: string; flags: string[] },
  bindings: Record<string, string>,
  outbound: (request: MfRequest) => Promise<MfResponse>,
) {
  return {
    name,
    routes: [`${name}.${domain}/*`],
    modules: [{ type: "ESModule" as const, path: "worker.js", contents: script }],
    compatibilityDate: compatibility.date,
    compatibilityFlags: compatibility.flags,
    bindings,
    outboundService: outbound,
  };
}

/** A `handleRuntimeStdio` that appends whatever workerd prints to `log`. */
export function stdioInto(log: string[]): (stdout: Readable, stderr: Readable) => void {
  return (stdout, stderr) => {
    for (const stream of [stdout, stderr]) {
      stream.on("data", (chunk: Uint8Array) => log.push(String(chunk)));
    }
  };
}
