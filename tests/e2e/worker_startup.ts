/**
 * How long workerd takes from being handed the Workers bundle to its first
 * answer, next to a trivial worker measured in the same run.
 *
 * ```sh
 * deno task build && deno task bench:worker
 * deno task build:demo && deno task bench:worker --demo=dist/worker-demo.js --rounds=31
 * ```
 *
 * Each round starts a fresh workerd through Miniflare with one worker and
 * times `new Miniflare(…)` up to the end of the first answer's body: process
 * start, config, script compile and evaluation, and the first request. For a
 * bundle named as an argument that request is `GET /instance/…` with AWS
 * credentials bound (config, key digest, SigV4, the worker's own fetch, XML):
 * EC2 is the simulator answering from this side as Miniflare's outbound
 * service, as production's bundle needs. A bundle named with `--demo=PATH` is
 * started with `DEMO=true` and answers from its own simulator. So the figure
 * covers everything a cold isolate does before it can answer. The trivial
 * worker answers `ok`; the difference of the medians is what this service
 * adds to a cold start. Rounds rotate which worker goes first, so drift on a
 * shared machine hits all alike.
 *
 * @module
 */
import { Miniflare, type Request as MfRequest, type Response as MfResponse } from "miniflare";
import { demoInstances, Ec2Simulator } from "../../src/simulator/ec2.ts";
import { answeredBy } from "./_outbound.ts";
import { wranglerCompatibility } from "./_workerd.ts";

/** Rounds measured (`--rounds=N`; default 15). */
const ROUNDS = Number(Deno.args.find((arg) => arg.startsWith("--rounds="))?.slice(9) ?? 15);
const API_KEY = "bench-key-not-a-secret";
const TRIVIAL_WORKER = `export default { fetch() { return new Response("ok"); } };`;

interface Subject {
  name: string;
  script: string;
  bindings: Record<string, string>;
  url: string;
  status: number;
  /** Answers the worker's outbound requests (EC2); none: the worker sends nothing out. */
  outbound?: (request: MfRequest) => Promise<MfResponse>;
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
    outboundService: subject.outbound,
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

/** EC2 for the bundles that talk to AWS: the simulator, on the demo's instances. */
const answerAsEc2 = answeredBy(new Ec2Simulator({ instances: demoInstances() }));

if (import.meta.main) {
  const demoPaths = Deno.args.filter((arg) => arg.startsWith("--demo=")).map((arg) => arg.slice(7));
  const awsPaths = Deno.args.filter((arg) => !arg.startsWith("--"));
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
    throw new RangeError("--rounds must be a whole number >= 1");
  }
  if (awsPaths.length === 0 && demoPaths.length === 0) awsPaths.push("dist/worker.js");
  const [instance] = demoInstances();
  const url = `http://localhost/instance/${instance.region}/${instance.id}`;
  const subjects: Subject[] = [
    {
      name: "trivial worker",
      script: TRIVIAL_WORKER,
      bindings: {},
      url: "http://localhost/",
      status: 200,
    },
  ];
  for (const path of awsPaths) {
    subjects.push({
      name: `${path} (EC2)`,
      script: await Deno.readTextFile(path),
      bindings: {
        API_KEY,
        AWS_ACCESS_KEY_ID: "AKIDBENCH",
        AWS_SECRET_ACCESS_KEY: "bench-secret-not-a-secret",
        // Never reached: the outbound service answers first.
        AWS_ENDPOINT_URL_EC2: "http://127.0.0.1:9",
      },
      url,
      status: 200,
      outbound: answerAsEc2,
    });
  }
  for (const path of demoPaths) {
    subjects.push({
      name: `${path} (DEMO)`,
      script: await Deno.readTextFile(path),
      bindings: { API_KEY, DEMO: "true" },
      url,
      status: 200,
    });
  }
  // One unmeasured round each, so disk caches are warm for both.
  for (const subject of subjects) await coldStart(subject);
  const runs = new Map(subjects.map((subject) => [subject, [] as ColdStart[]]));
  for (let round = 0; round < ROUNDS; round++) {
    const shift = round % subjects.length;
    const order = [...subjects.slice(shift), ...subjects.slice(0, shift)];
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
  const width = Math.max(...figures.map(({ name }) => name.length));
  console.log(`workerd cold start, medians of ${ROUNDS} rotating rounds:`);
  console.log(
    `  ${"".padEnd(width)} ${"ready".padStart(8)} ${"1st answer".padStart(10)} ${
      "total".padStart(8)
    }   vs trivial`,
  );
  const [trivial] = figures;
  for (const { name, ready, firstAnswer, total } of figures) {
    const versus = name === trivial.name
      ? ""
      : `   first answer ${(firstAnswer / trivial.firstAnswer).toFixed(2)}x, total +${
        (total - trivial.total).toFixed(0)
      } ms`;
    console.log(
      `  ${name.padEnd(width)} ${ms(ready)} ${ms(firstAnswer).padStart(10)} ${ms(total)}${versus}`,
    );
  }
}
