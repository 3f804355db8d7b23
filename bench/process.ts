/**
 * `deno task bench:process`: whole processes on loopback, side by side in one
 * run. The service runs exactly as `deno task start` runs it, against a
 * fixed-answer EC2 stub with real-sized answers; next to it the floor (a bare
 * Deno server doing one outbound fetch per request), the naive "before" and
 * the minimal server of the required libraries (bench/_servers.ts). Prints the server's CPU time per request (from
 * /proc/<pid>/stat) as medians over interleaved rounds and as ratios to the
 * floor, RSS over 10,000 requests, and the time to the first answer next to
 * a hello-world server.
 *
 * Options: `--rounds=N` (default 5), `--requests=N` per round (default 1000).
 *
 * @module
 */
import denoConfig from "../deno.json" with { type: "json" };
import {
  cpuPerRequest,
  freePort,
  median,
  request,
  rssKiB,
  type ServerProcess,
  spawn,
  stop,
  untilFirstAnswer,
} from "./_process.ts";
import { BENCH_API_KEY, startStub, STUB_INSTANCE_ID } from "./_stub.ts";

const API_KEY = BENCH_API_KEY;
const REGION = "us-west-2";
const ROUNDS = numberArg("rounds", 5);
const REQUESTS = numberArg("requests", 1000);
const LISTINGS = 5;
const RSS_REQUESTS = 10_000;
const STARTS = 5;
const PHASE_MAX_MS = 30_000;
const SERVERS_FILE = new URL("./_servers.ts", import.meta.url).pathname;

const KEYED = { headers: { "x-api-key": API_KEY } };
const READ = `/instance/${REGION}/${STUB_INSTANCE_ID}`;
const START = `${READ}/start`;
const LIST = `/instance/${REGION}`;

function numberArg(name: string, fallback: number): number {
  const arg = Deno.args.find((a) => a.startsWith(`--${name}=`));
  const value = arg ? Number(arg.split("=")[1]) : fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--${name} must be a positive integer`);
  }
  return value;
}

/** The service, by the very command of `deno task start`. */
function service(stubUrl: string): ServerProcess {
  const [command, ...args] = denoConfig.tasks.start.command.split(" ");
  return spawn("service", command, args, {
    API_KEY,
    AWS_ACCESS_KEY_ID: "AKIDBENCHDUMMY",
    AWS_SECRET_ACCESS_KEY: "bench-dummy-secret",
    AWS_ENDPOINT_URL_EC2: stubUrl,
  }, freePort());
}

/** A server of bench/_servers.ts, run by `deno serve` with the start task's permission style. */
function benchServer(
  kind: "floor" | "naive" | "minimal" | "hello",
  stubUrl: string,
): ServerProcess {
  return spawn(
    kind,
    "deno",
    [
      "serve",
      "--frozen",
      "--allow-net",
      "--allow-env=EC2_STUB_URL,BENCH_SERVER,DENO_SERVE_ADDRESS",
      SERVERS_FILE,
    ],
    { EC2_STUB_URL: stubUrl, BENCH_SERVER: kind },
    freePort(),
  );
}

function fmt(micros: number): string {
  return micros >= 10_000 ? `${(micros / 1000).toFixed(1)} ms` : `${Math.round(micros)} µs`;
}

const stub = startStub();
const floor = benchServer("floor", stub.url);
const naive = benchServer("naive", stub.url);
const minimal = benchServer("minimal", stub.url);
const after = service(stub.url);
const servers = [floor, naive, minimal, after];
try {
  await Promise.all([
    untilFirstAnswer(floor.base + "/", {}),
    untilFirstAnswer(naive.base + READ, {}),
    untilFirstAnswer(minimal.base + READ, KEYED),
    untilFirstAnswer(after.base + READ, KEYED),
  ]);
  const post = { method: "POST", ...KEYED };
  const cases = [
    { label: "floor: one fetch", server: floor, path: "/", init: {}, status: 200 },
    { label: "before GET (naive)", server: naive, path: READ, init: {}, status: 200 },
    { label: "minimal GET", server: minimal, path: READ, init: KEYED, status: 200 },
    { label: "after GET", server: after, path: READ, init: KEYED, status: 200 },
    { label: "before start (naive)", server: naive, path: START, init: post, status: 204 },
    { label: "minimal start", server: minimal, path: START, init: post, status: 204 },
    { label: "after start", server: after, path: START, init: post, status: 204 },
  ];
  // Warm up: JIT, connections, signing keys.
  for (const c of cases) {
    await cpuPerRequest(c.server, c.path, c.init, c.status, 300, PHASE_MAX_MS);
  }
  const samples = new Map(cases.map((c) => [c.label, [] as number[]]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const c of cases) {
      samples.get(c.label)!.push(
        await cpuPerRequest(c.server, c.path, c.init, c.status, REQUESTS, PHASE_MAX_MS),
      );
    }
    console.error(`round ${round}/${ROUNDS} done`);
  }
  const floorMedian = median(samples.get(cases[0].label)!);
  console.log(
    `\nCPU per request, median of ${ROUNDS} rounds of ${REQUESTS} (server process only)`,
  );
  for (const c of cases) {
    const values = samples.get(c.label)!;
    const m = median(values);
    console.log(
      `  ${c.label.padEnd(22)} ${fmt(m).padStart(9)}  ${(m / floorMedian).toFixed(2)}× floor` +
        `  (rounds: ${values.map((v) => Math.round(v)).join(", ")})`,
    );
  }

  const listing: Record<string, number[]> = { before: [], after: [] };
  for (let i = 0; i < LISTINGS; i++) {
    listing.before.push(await cpuPerRequest(naive, LIST, {}, 200, 1, PHASE_MAX_MS));
    listing.after.push(await cpuPerRequest(after, LIST, KEYED, 200, 1, PHASE_MAX_MS));
  }
  console.log(`\nListing 1,000 instances (5.9 MB answer), CPU per listing, median of ${LISTINGS}`);
  console.log(`  before (naive)          ${fmt(median(listing.before)).padStart(9)}`);
  console.log(`  after                   ${fmt(median(listing.after)).padStart(9)}`);

  for (const server of [naive, minimal, floor]) await stop(server);
  const rss: string[] = [`start ${await rssKiB(after.pid)}`];
  const rssDeadline = performance.now() + 10 * PHASE_MAX_MS;
  let sent = 0;
  while (sent < RSS_REQUESTS && performance.now() < rssDeadline) {
    await request(after, READ, KEYED, 200);
    if (++sent % 1000 === 0) rss.push(`${sent} ${await rssKiB(after.pid)}`);
  }
  if (sent % 1000 !== 0) rss.push(`${sent} ${await rssKiB(after.pid)}`);
  // One sample per 1,000: V8 grows and shrinks its heap in steps, so one pair of samples can
  // show a step either way; growth is a trend across all ten.
  console.log(`\nService RSS in KiB after n GET requests: ${rss.join(", ")}`);
} finally {
  for (const server of servers) await stop(server);
}

const startup: Record<string, number[]> = { hello: [], service: [] };
for (let i = 0; i < STARTS; i++) {
  const hello = benchServer("hello", stub.url);
  startup.hello.push(await untilFirstAnswer(hello.base + "/", {}).finally(() => stop(hello)));
  const fresh = service(stub.url);
  startup.service.push(
    await untilFirstAnswer(fresh.base + READ, KEYED).finally(() => stop(fresh)),
  );
}
const helloStart = median(startup.hello);
const serviceStart = median(startup.service);
console.log(`\nProcess start to first answer, median of ${STARTS}`);
console.log(`  hello-world Deno server ${helloStart.toFixed(0).padStart(6)} ms`);
console.log(
  `  service (GET, via stub) ${serviceStart.toFixed(0).padStart(6)} ms  ${
    (serviceStart / helloStart).toFixed(2)
  }× hello`,
);
await stub.shutdown();
