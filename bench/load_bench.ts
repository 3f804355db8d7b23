/**
 * Load run: starts the real server by the very command of `deno task start`,
 * with `DEMO=true` (the built-in EC2 simulator), on 127.0.0.1, drives it with many
 * concurrent clients, and reports throughput, p50/p99 latency and errors per
 * phase, each phase side by side with a baseline that does no key check and
 * no EC2 call, in the same run.
 *
 *   deno task bench:load [--clients=32] [--seconds=4] [--max=20000]
 *
 * Every phase stops at `--seconds` or `--max` requests, whichever comes first.
 * Exits non-zero when any request failed.
 *
 * @module
 */
import denoConfig from "../deno.json" with { type: "json" };
import { freePort, spawn, stop, untilFirstAnswer } from "./_process.ts";

const RUNNING_IDS = ["i-0a1b2c3d4e5f60718", "i-0c3d4e5f607182930"];
const REGION = "us-west-2";

interface Phase {
  name: string;
  expect: number;
  request: (n: number) => Request;
}

interface PhaseResult {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  latencies: number[];
  firstError: string | null;
}

function option(name: string, fallback: number): number {
  const arg = Deno.args.find((value) => value.startsWith(`--${name}=`));
  const value = arg ? Number(arg.slice(name.length + 3)) : fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`--${name} must be a whole number >= 1`);
  }
  return value;
}

async function run(
  phase: Phase,
  clients: number,
  seconds: number,
  max: number,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  let firstError: string | null = null;
  const started = performance.now();
  const until = started + seconds * 1000;
  async function client() {
    while (issued < max && performance.now() < until) {
      const n = issued++;
      const sent = performance.now();
      try {
        const response = await fetch(phase.request(n));
        await response.body?.cancel();
        if (response.status !== phase.expect) {
          errors++;
          firstError ??= `HTTP ${response.status}`;
        }
      } catch (error) {
        errors++;
        firstError ??= String(error);
      }
      latencies.push(performance.now() - sent);
    }
  }
  await Promise.all(Array.from({ length: clients }, client));
  return {
    name: phase.name,
    requests: latencies.length,
    errors,
    seconds: (performance.now() - started) / 1000,
    latencies: latencies.sort((a, b) => a - b),
    firstError,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const clients = option("clients", 32);
const seconds = option("seconds", 4);
const max = option("max", 20_000);
const apiKey = crypto.randomUUID();
const [command, ...args] = denoConfig.tasks.start.command.split(" ");
const server = spawn("service", command, args, { API_KEY: apiKey, DEMO: "true" }, freePort());
await untilFirstAnswer(`${server.base}/healthz`, {});
const results: PhaseResult[] = [];
try {
  const keyed = { "x-api-key": apiKey };
  const phases: Phase[] = [
    {
      name: "baseline: unknown path (404, no key check, no EC2)",
      expect: 404,
      request: () => new Request(`${server.base}/nowhere`),
    },
    {
      name: "read: GET /instance/:region/:id (key check, DescribeInstances)",
      expect: 200,
      request: (n) =>
        new Request(`${server.base}/instance/${REGION}/${RUNNING_IDS[n % 2]}`, { headers: keyed }),
    },
    {
      name: "change: POST …/reboot (key check, RebootInstances + CreateTags, audit line)",
      expect: 204,
      request: (n) =>
        new Request(`${server.base}/instance/${REGION}/${RUNNING_IDS[n % 2]}/reboot`, {
          method: "POST",
          headers: keyed,
        }),
    },
  ];
  // Warm-up, so the first phase does not pay for compilation.
  await run(phases[1], 4, 1, 200);
  for (const phase of phases) results.push(await run(phase, clients, seconds, max));
} finally {
  await stop(server);
}

const baseline = results[0].requests / results[0].seconds;
console.log(
  `workwork load run: ${clients} concurrent clients on 127.0.0.1, each phase ≤ ${seconds} s or ≤ ${max} requests`,
);
console.log(`Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores\n`);
console.log("| phase | requests | errors | req/s | × baseline | p50 ms | p99 ms |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const result of results) {
  const rate = result.requests / result.seconds;
  console.log(
    `| ${result.name} | ${result.requests} | ${result.errors} | ${rate.toFixed(0)} | ${
      (rate / baseline).toFixed(2)
    } | ${percentile(result.latencies, 50).toFixed(1)} | ${
      percentile(result.latencies, 99).toFixed(1)
    } |`,
  );
}
const errors = results.reduce((sum, { errors }) => sum + errors, 0);
for (const result of results.filter(({ firstError }) => firstError)) {
  console.log(`${result.name}: first error ${result.firstError}`);
}
console.log(`\n${errors} errors.`);
if (errors > 0) Deno.exit(1);
