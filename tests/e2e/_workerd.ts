/**
 * What running real workerd through Miniflare needs from Deno's permissions,
 * found where this machine keeps the npm packages:
 *
 * - run: `deno` (to build the bundle) and the workerd binary that ships inside
 *   npm:workerd (no install script needed: the binary comes in a package);
 * - read: this project, Miniflare's own worker scripts, the temporary directory;
 * - write: the temporary directory, where the test puts the bundle and
 *   Miniflare its scratch files.
 *
 * Besides these, Miniflare needs `--allow-net=127.0.0.1` (it drives workerd
 * over loopback) and all of `--allow-env` (its dependencies read dozens of CI
 * and colour variables when they load).
 *
 * The dashboard's browser test adds Debian's Chromium (`/usr/bin/chromium`):
 * run and read, and `--allow-sys=homedir`, which playwright-core asks for.
 *
 * Run as a script, it prints the path-dependent flags for `deno test`;
 * `deno task test` and `deno task bench:worker` splice them into their command
 * lines. It also reads `wrangler.toml`'s compatibility settings, so what runs
 * here runs as it does in production.
 *
 * @module
 */
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import workerd from "workerd";
import { CHROMIUM } from "./_chromium.ts";

/** The executable `deno task compile` builds, which tests/e2e/compile_test.ts starts. */
const COMPILED = "./dist/workwork";

/** Paths the workerd tests and benchmarks need permission for. */
export interface WorkerdPermissions {
  /** The workerd binary Miniflare spawns. */
  binary: string;
  /** Directories read: the project, Miniflare's package, the temporary directory. */
  read: string[];
  /** Directories written: the temporary directory. */
  write: string[];
}

/** The paths workerd and Miniflare use on this machine. */
export function workerdPermissions(): WorkerdPermissions {
  // npm:workerd is CommonJS; its `default` export is the binary's path.
  const binary: string = workerd.default;
  const miniflare = fileURLToPath(new URL("../..", import.meta.resolve("miniflare")));
  // Miniflare keeps its scratch files under Node's os.tmpdir().
  const temporary = tmpdir();
  return { binary, read: [".", miniflare, temporary], write: [temporary] };
}

/**
 * Whether this process may run workerd through Miniflare: env (finding the
 * paths reads TMPDIR, so it comes first), running deno and the binary,
 * loopback, and the paths of {@linkcode workerdPermissions}.
 */
export async function workerdGranted(): Promise<boolean> {
  if ((await Deno.permissions.query({ name: "env" })).state !== "granted") return false;
  const { binary, read, write } = workerdPermissions();
  const descriptors: Deno.PermissionDescriptor[] = [
    { name: "run", command: "deno" },
    { name: "run", command: binary },
    { name: "net", host: "127.0.0.1" },
    ...read.map((path) => ({ name: "read", path }) as const),
    ...write.map((path) => ({ name: "write", path }) as const),
  ];
  for (const descriptor of descriptors) {
    if ((await Deno.permissions.query(descriptor)).state !== "granted") return false;
  }
  return true;
}

/** The newest compatibility date the workerd in this project supports. */
export const WORKERD_COMPATIBILITY_DATE: string = workerd.compatibilityDate;

/** `wrangler.toml`'s compatibility date and flags, so workerd runs what production runs. */
export async function wranglerCompatibility(): Promise<{ date: string; flags: string[] }> {
  const toml = await Deno.readTextFile("wrangler.toml");
  const date = toml.match(/^compatibility_date\s*=\s*"([^"]+)"/m)?.[1];
  if (!date) throw new Error("wrangler.toml has no compatibility_date");
  const flags = toml.match(/^compatibility_flags\s*=\s*\[([^\]]*)\]/m)?.[1]
    .split(",").map((flag) => flag.trim().replace(/^"|"$/g, "")).filter(Boolean) ?? [];
  return { date, flags };
}

if (import.meta.main) {
  const { binary, read, write } = workerdPermissions();
  // The wrangler .ci/setup.d/wrangler.sh installs, for tests/e2e/wrangler_test.ts.
  const wrangler = Deno.env.get("WRANGLER");
  console.log(
    [
      `--allow-run=${["deno", binary, CHROMIUM, COMPILED, wrangler].filter(Boolean).join(",")}`,
      `--allow-read=${[...read, CHROMIUM].join(",")}`,
      `--allow-write=${write.join(",")}`,
    ].join(" "),
  );
}
