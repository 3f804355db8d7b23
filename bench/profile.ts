/**
 * `deno task bench:profile [read|start|list] [--requests=N]`: where the
 * service's CPU goes. Runs the service exactly as `deno task start` does,
 * with V8's sampling profiler on (`--cpu-prof`), against the benchmark's EC2
 * stub, sends N requests of one kind one after another, and prints the
 * self time of the busiest functions and packages per request.
 *
 * The profile sees JavaScript and the ops it calls on the main thread, not
 * the HTTP server's own threads: its total is below the process CPU time
 * `deno task bench:process` reads from /proc.
 *
 * @module
 */
import denoConfig from "../deno.json" with { type: "json" };
import { freePort, request, spawn, stop } from "./_process.ts";
import { BENCH_API_KEY, startStub, STUB_INSTANCE_ID } from "./_stub.ts";

const API_KEY = BENCH_API_KEY;
const KEYED = { headers: { "x-api-key": API_KEY } };
const READ = `/instance/us-west-2/${STUB_INSTANCE_ID}`;
const KINDS = {
  read: { path: READ, init: KEYED, status: 200, requests: 3000 },
  start: { path: `${READ}/start`, init: { ...KEYED, method: "POST" }, status: 204, requests: 3000 },
  list: { path: "/instance/us-west-2", init: KEYED, status: 200, requests: 30 },
} as const;
const TOP = 25;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const kind = (Deno.args.find((arg) => !arg.startsWith("--")) ?? "read") as keyof typeof KINDS;
if (!(kind in KINDS)) throw new Error(`Profile read, start or list, not ${kind}`);
const { path, init, status } = KINDS[kind];
const requests = Number(
  Deno.args.find((arg) => arg.startsWith("--requests="))?.split("=")[1] ?? KINDS[kind].requests,
);

const directory = await Deno.makeTempDir({ prefix: "workwork-profile-" });
const stub = startStub();
const [command, ...args] = denoConfig.tasks.start.command.split(" ");
args.splice(args.indexOf("serve") + 1, 0, "--cpu-prof", `--cpu-prof-dir=${directory}`);
const server = spawn("service", command, args, {
  API_KEY,
  AWS_ACCESS_KEY_ID: "AKIDBENCHDUMMY",
  AWS_SECRET_ACCESS_KEY: "bench-dummy-secret",
  AWS_ENDPOINT_URL_EC2: stub.url,
}, freePort());
try {
  await untilServing();
  for (let n = 0; n < requests; n++) await request(server, path, init, status);
} finally {
  await stop(server);
  await stub.shutdown();
}
const [file] = [...Deno.readDirSync(directory)].filter((entry) =>
  entry.name.endsWith(".cpuprofile")
);
if (!file) throw new Error("The service wrote no profile");
const profile: Profile = JSON.parse(await Deno.readTextFile(`${directory}/${file.name}`));
await Deno.remove(directory, { recursive: true });
report(profile);

async function untilServing(): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      return await request(server, READ, KEYED, 200);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error("The service did not start");
}

function report({ nodes, samples, timeDeltas }: Profile): void {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let busy = 0;
  samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === "(idle)") return;
    const micros = timeDeltas[i];
    busy += micros;
    const file = url.split("/").pop() || "(native)";
    const name = `${functionName || "(anonymous)"} ${file}${url ? `:${lineNumber + 1}` : ""}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    const where = url.match(/registry\.npmjs\.org\/([^/]+(?:\/[^/]+)?)\/[\d.]+\//)?.[1] ??
      (url.startsWith("file://") ? url.replace(/^.*?\/(src|bench)\//, "$1/") : url.split("/")[0]) ??
      "(native)";
    byPackage.set(where || "(native)", (byPackage.get(where || "(native)") ?? 0) + micros);
  });
  const per = (micros: number) => `${(micros / requests).toFixed(1).padStart(8)} µs`;
  console.log(
    `${kind}: ${requests} requests, busy ${per(busy)} per request (profile, main thread)`,
  );
  for (const [title, table] of [["by package or file", byPackage], ["by function", byFunction]]) {
    console.log(`\nSelf time ${title}, per request:`);
    const rows = [...(table as Map<string, number>)].sort((a, b) => b[1] - a[1]).slice(0, TOP);
    for (const [name, micros] of rows) console.log(`${per(micros)}  ${name}`);
  }
}
