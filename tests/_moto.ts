/**
 * moto's server (`moto_server`, from `pip install 'moto[server]'`) on a free
 * loopback port, for interop tests against an AWS we did not write. Absent
 * (no permission to run it, or not installed), tests that need it are skipped
 * with a message.
 */

/** Why moto cannot be used here, or null when it can. */
export function motoUnavailable(): string | null {
  if (Deno.permissions.querySync({ name: "run", command: "moto_server" }).state !== "granted") {
    return "no permission to run moto_server (run with --allow-run=moto_server)";
  }
  try {
    const { success } = new Deno.Command("moto_server", {
      args: ["--help"],
      stdout: "null",
      stderr: "null",
    })
      .outputSync();
    return success ? null : "moto_server --help failed";
  } catch {
    return "moto_server is not installed (pip install 'moto[server]')";
  }
}

/** A running moto server; `stop()` ends it. */
export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts moto_server on 127.0.0.1 with a port the system picks, and waits until it listens. */
export async function startMoto(): Promise<Moto> {
  const child = new Deno.Command("moto_server", {
    args: ["-H", "127.0.0.1", "-p", "0"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  child.stdout.cancel();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = setTimeout(() => child.kill(), 30_000);
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`moto_server exited before listening: ${seen}`);
      seen += value;
      const match = seen.match(/Running on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        // Keep draining its log so the pipe never fills.
        const drain = (async () => {
          while (!(await reader.read()).done);
        })();
        return {
          endpoint: match[1],
          async stop() {
            child.kill();
            await child.status;
            await drain.catch(() => {});
          },
        };
      }
    }
  } finally {
    clearTimeout(deadline);
  }
}
