/**
 * Starts the real entry point the way `deno task start` does, on 127.0.0.1
 * and a free port, and waits for its banner. Needs --allow-run=deno,
 * --allow-net=127.0.0.1 and --allow-env.
 */
import denoConfig from "../deno.json" with { type: "json" };

/** A running server: its base URL, banner, log lines so far, and how to stop it. */
export interface RunningServer {
  base: string;
  banner: string;
  lines: string[];
  /** Sends `signal` (default SIGTERM) and waits for the process to end; answers its status. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/** Whether this test run may spawn the server and talk to it. */
export async function mayStartServer(): Promise<boolean> {
  return (await Deno.permissions.query({ name: "run", command: "deno" })).state === "granted" &&
    (await Deno.permissions.query({ name: "net", host: "127.0.0.1" })).state === "granted" &&
    (await Deno.permissions.query({ name: "env" })).state === "granted";
}

/**
 * Starts `deno task start`'s command with `env`, and waits (at most a minute)
 * for its banner. `run: true` swaps `deno serve` for `deno run`, as Deno
 * Deploy starts it.
 */
export async function startServer(
  env: Record<string, string>,
  { run = false } = {},
): Promise<RunningServer> {
  const [command, subcommand, ...args] = denoConfig.tasks.start.command.split(" ");
  if (subcommand !== "serve") throw new Error(`The start task runs "${subcommand}", not serve`);
  args.unshift(run ? "run" : subcommand);
  const inherited = Object.fromEntries(
    ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "NO_COLOR"]
      .map((name) => [name, Deno.env.get(name)])
      .filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  // deno task's shell expands $HOME in the flags (--allow-read=$HOME/.aws); do the same.
  const home = env.HOME ?? inherited.HOME ?? "";
  const child = new Deno.Command(command, {
    args: args.map((arg) => arg.replaceAll("$HOME", home)),
    clearEnv: true,
    env: { ...inherited, DENO_SERVE_ADDRESS: "tcp:127.0.0.1:0", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const deadline = Date.now() + 60_000;
  while (!/Serving on http:\/\/\S+\. Try:|workwork is serving on \S+/.test(buffered)) {
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`No banner in time:\n${buffered}`);
    }
    const { value, done } = await reader.read();
    if (done) {
      const stderr = await new Response(child.stderr).text();
      throw new Error(`The server exited:\n${buffered}\n${stderr}`);
    }
    buffered += value;
  }
  const base = buffered.match(/(?:Serving|serving) on (http:\/\/[^\s.]+(?:\.[^\s.]+)*:\d+)/)![1];
  const lines: string[] = [];
  // Keep draining the log so the server never blocks on a full pipe.
  const drained = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      lines.push(...value.split("\n").filter(Boolean));
    }
  })();
  const stderr = new Response(child.stderr).text();
  async function stop(signal: Deno.Signal = "SIGTERM") {
    child.kill(signal);
    const status = await child.status;
    await drained;
    await stderr;
    return status;
  }
  return { base, banner: buffered, lines, stop };
}
