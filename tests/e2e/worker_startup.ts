/**
 * How long workerd takes from being handed the Workers bundle to its first
 * answer, next to a trivial worker measured in the same run.
 *
 * ```sh
 * deno task build && deno task bench:worker
 * ```
 *
 * Each round starts a fresh workerd through Miniflare with one worker and
 * times `new Miniflare(…)` up to the end of the first answer's body: process
 * start, config, script compile and evaluation, and the first request. For the
 * bundle that request is a demo `GET /instance/…` (config, key digest, the
 * simulator, XML), so the figure covers everything a cold isolate does before
 * it can answer. The trivial worker answers `ok`; the difference of the two
 * medians is what this service adds to a cold start. Rounds alternate which
 * worker goes first, so drift on a shared machine hits both alike.
 *
 * @module
 */
import { Miniflare } from "miniflare";
import { demoInstances } from "../../src/simulator/ec2.ts";
import { wranglerCompatibility } from "./_workerd.ts";

const ROUNDS = 15;
const API_KEY = "bench-key-not-a-secret";
const TRIVIAL_WORKER = `export default { fetch() { return new Response("ok"); } };`;

interface Subject {
  name: string;
  script: string;
  bindings: Record<string, string>;
  url: string;
  status: number;
}

/** One cold start: workerd up with the script loaded, then the first answer, in ms. */
interface ColdStart {
  /** `new Miniflare(…)` until `mf.ready`: process start, config, script compile and evaluation. */
  ready: number;
  /** The first request, until the end of its body. */
  firstAnswer: number;
}

/** The runtime settings production gets, from wrangler.toml. */
const COMPATIBILITY = await wranglerCompatibility();

async function coldStart(subject: Subject): Promise<ColdStart> {
  const started = performance.now();
  const mf = new Miniflare({
    cf: false,
    compatibilityDate: COMPATIBILITY.date,
    compatibilityFlags: COMPATIBILITY.flags,
    modules: [{ type: "ESModule", path: "worker.js", contents: subject.script }],
    bindings: subject.bindings,
    // The bundle logs one line per request; keep the report clean.
    handleRuntimeStdio() {},
  });
  try {
    await mf.ready;
    const ready = performance.now();
    const response = await mf.dispatchFetch(subject.url, { headers: { "x-api-key": API_KEY } });
    await response.arrayBuffer();
    const answered = performance.now();
    if (response.status !== subject.status) {
      throw new Error(`${subject.name} answered ${response.status}, expected ${subject.status}`);
    }
    return { ready: ready - started, firstAnswer: answered - ready };
  } finally {
    await mf.dispose();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

if (import.meta.main) {
  const path = Deno.args[0] ?? "dist/worker.js";
  const bundle = await Deno.readTextFile(path);
  const [instance] = demoInstances();
  const subjects: Subject[] = [
    {
      name: "trivial worker",
      script: TRIVIAL_WORKER,
      bindings: {},
      url: "http://localhost/",
      status: 200,
    },
    {
      name: path,
      script: bundle,
      bindings: { API_KEY, DEMO: "true" },
      url: `http://localhost/instance/${instance.region}/${instance.id}`,
      status: 200,
    },
  ];
  // One unmeasured round each, so disk caches are warm for both.
  for (const subject of subjects) await coldStart(subject);
  const runs = new Map(subjects.map((subject) => [subject, [] as ColdStart[]]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...subjects].reverse() : subjects;
    for (const subject of order) runs.get(subject)!.push(await coldStart(subject));
  }
  const figures = subjects.map((subject) => {
    const all = runs.get(subject)!;
    return {
      name: subject.name,
      ready: median(all.map(({ ready }) => ready)),
      firstAnswer: median(all.map(({ firstAnswer }) => firstAnswer)),
      total: median(all.map(({ ready, firstAnswer }) => ready + firstAnswer)),
    };
  });
  const ms = (value: number) => `${value.toFixed(0)} ms`.padStart(8);
  console.log(`workerd cold start, medians of ${ROUNDS} alternating rounds:`);
  console.log(
    `  ${"".padEnd(16)} ${"ready".padStart(8)} ${"1st answer".padStart(10)} ${"total".padStart(8)}`,
  );
  for (const { name, ready, firstAnswer, total } of figures) {
    console.log(`  ${name.padEnd(16)} ${ms(ready)} ${ms(firstAnswer).padStart(10)} ${ms(total)}`);
  }
  const [trivial, service] = figures;
  console.log(
    `  bundle / trivial: ready ${(service.ready / trivial.ready).toFixed(2)}x, ` +
      `first answer ${(service.firstAnswer / trivial.firstAnswer).toFixed(2)}x, ` +
      `total ${(service.total / trivial.total).toFixed(2)}x ` +
      `(+${(service.total - trivial.total).toFixed(0)} ms)`,
  );
}
