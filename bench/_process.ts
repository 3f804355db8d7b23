/**
 * Helpers of the process benchmark: spawn a server, read its CPU time and
 * RSS from /proc, drive it with sequential requests on loopback.
 *
 * @module
 */

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;
const READY_TIMEOUT_MS = 60_000;

/** A server process under test. */
export interface ServerProcess {
  name: string;
  pid: number;
  base: string;
  child: Deno.ChildProcess;
}

/** A port nothing listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Spawns `command args` with `env` and the few inherited variables Deno needs. */
export function spawn(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  port: number,
): ServerProcess {
  const inherited = Object.fromEntries(
    ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME"]
      .map((key) => [key, Deno.env.get(key)])
      .filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const child = new Deno.Command(command, {
    args,
    clearEnv: true,
    env: { ...inherited, NO_COLOR: "1", DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${port}`, ...env },
    stdin: "null",
    // The service logs one line per request; /dev/null takes it as a terminal would.
    stdout: "null",
    stderr: "null",
  }).spawn();
  return { name, pid: child.pid, base: `http://127.0.0.1:${port}`, child };
}

/** Milliseconds until `url` first answers (any status), polling every 2 ms. */
export async function untilFirstAnswer(url: string, init: RequestInit): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < READY_TIMEOUT_MS) {
    try {
      const response = await fetch(url, init);
      await response.arrayBuffer();
      return performance.now() - started;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  throw new Error(`${url} did not answer in ${READY_TIMEOUT_MS} ms`);
}

/**
 * A file of /proc/<pid>/, read by `cat`: Deno asks for --allow-all to read
 * those itself, and this benchmark wants no more than --allow-run=deno,cat.
 */
async function procFile(pid: number, name: string): Promise<string> {
  const { stdout, success } = await new Deno.Command("cat", {
    args: [`/proc/${pid}/${name}`],
    stderr: "null",
  }).output();
  if (!success) throw new Error(`Cannot read /proc/${pid}/${name}`);
  return new TextDecoder().decode(stdout);
}

/** CPU time (user + system) the process has used, in microseconds. */
export async function cpuMicros(pid: number): Promise<number> {
  const stat = await procFile(pid, "stat");
  // Fields after the command name, which may hold spaces, start past the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
  return ticks * 1_000_000 / TICKS_PER_SECOND;
}

/** Resident set size in KiB. */
export async function rssKiB(pid: number): Promise<number> {
  const status = await procFile(pid, "status");
  return Number(status.match(/VmRSS:\s+(\d+)/)?.[1]);
}

/**
 * Sends `count` requests one after another (fewer if `maxMs` passes) and
 * returns the server's CPU time per request in microseconds.
 */
export async function cpuPerRequest(
  server: ServerProcess,
  path: string,
  init: RequestInit,
  expectStatus: number,
  count: number,
  maxMs: number,
): Promise<number> {
  const before = await cpuMicros(server.pid);
  const started = performance.now();
  let sent = 0;
  while (sent < count && performance.now() - started < maxMs) {
    await request(server, path, init, expectStatus);
    sent++;
  }
  return (await cpuMicros(server.pid) - before) / sent;
}

/** One request; throws when the status is not the expected one. */
export async function request(
  server: ServerProcess,
  path: string,
  init: RequestInit,
  expectStatus: number,
): Promise<void> {
  const response = await fetch(server.base + path, init);
  await response.arrayBuffer();
  if (response.status !== expectStatus) {
    throw new Error(`${server.name} ${path} answered ${response.status}, not ${expectStatus}`);
  }
}

/** Stops the process and waits for it. */
export async function stop(server: ServerProcess): Promise<void> {
  try {
    server.child.kill("SIGTERM");
  } catch {
    // Already gone.
  }
  await server.child.status;
}

/** The median of `values`. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
