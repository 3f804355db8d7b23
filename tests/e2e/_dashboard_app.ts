/**
 * The app on the demo's instances, served in this process on 127.0.0.1 and a
 * free port, for browser tests that change what the server does while the
 * page is open: its keys can be replaced between requests (a key revoked
 * mid-session, as a redeploy with a new `API_KEYS` does), and its answers
 * held back (a slow API, a request that never ends).
 */
import { createApp } from "../../src/http/app.ts";
import { type ApiKeyEntry, keyDigest } from "../../src/domain/keys.ts";
import { Ec2Client } from "../../src/aws/ec2.ts";
import {
  demoInstances,
  Ec2Simulator,
  type SimulatedInstanceSeed,
} from "../../src/simulator/ec2.ts";
import { FULL_ACCESS } from "../../src/domain/scopes.ts";

/** The server, and the levers a test pulls. */
export interface DashboardApp {
  base: string;
  simulator: Ec2Simulator;
  /** Every request the server received, as `METHOD /path?query`, in order. */
  requests: string[];
  /** From now on the server accepts exactly these keys, by key, with full access. */
  setKeys(keys: Record<string, string>): Promise<void>;
  /**
   * Holds every request whose `METHOD /path?query` matches `pattern` until the
   * returned function is called; they are then answered as usual.
   */
  hold(pattern: RegExp): () => void;
  /** Stops the server; held requests are let go first. */
  stop(): Promise<void>;
}

/**
 * Serves the app with `keys` (by key, the name), on a simulator whose
 * transitions take `transitionMs`, holding the demo's instances and `extra`.
 */
export async function serveDashboardApp(
  keys: Record<string, string>,
  { transitionMs = 1500, extra = [] as SimulatedInstanceSeed[] } = {},
): Promise<DashboardApp> {
  const simulator = new Ec2Simulator({ instances: [...demoInstances(), ...extra], transitionMs });
  const ec2 = new Ec2Client({
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "demo-secret-not-a-real-one" },
    fetch: simulator.fetch,
    timeoutMs: 5000,
  });
  async function entries(byKey: Record<string, string>): Promise<ApiKeyEntry[]> {
    return await Promise.all(
      Object.entries(byKey).map(async ([key, name]) => ({
        name,
        digest: await keyDigest(key),
        scope: FULL_ACCESS,
      })),
    );
  }
  const build = (entries: ApiKeyEntry[]) =>
    createApp({
      config: { timeoutMs: 10_000, allowedRegions: null, regions: ["us-west-2", "eu-central-1"] },
      keys: entries,
      ec2,
    });
  let app = build(await entries(keys));
  const requests: string[] = [];
  const holds: { pattern: RegExp; released: Promise<void> }[] = [];
  const releases = new Set<() => void>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request, info) => {
      const url = new URL(request.url);
      const line = `${request.method} ${url.pathname}${url.search}`;
      requests.push(line);
      for (const { pattern, released } of holds) if (pattern.test(line)) await released;
      return await app.fetch(request, { clientAddress: info.remoteAddr.hostname });
    },
  );
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    simulator,
    requests,
    async setKeys(byKey) {
      app = build(await entries(byKey));
    },
    hold(pattern) {
      let release!: () => void;
      const released = new Promise<void>((resolve) => release = resolve);
      const hold = { pattern, released };
      holds.push(hold);
      const letGo = () => {
        holds.splice(holds.indexOf(hold) >>> 0, holds.includes(hold) ? 1 : 0);
        releases.delete(letGo);
        release();
      };
      releases.add(letGo);
      return letGo;
    },
    async stop() {
      for (const letGo of [...releases]) letGo();
      await server.shutdown();
    },
  };
}
