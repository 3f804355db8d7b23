/**
 * `deno task link <region> <instance-id> [--hours N]`: prints a signed link to
 * the instance's wake-up page, good for one thing (start it) until N hours
 * from now (default {@linkcode DEFAULT_HOURS}, at most {@linkcode MAX_HOURS}).
 * Reads `LINK_SECRET` and `PUBLIC_URL`, the service's own, from the
 * environment; prints the URL and when it expires, never the secret.
 *
 * @module
 */
import { isRegionName } from "../src/aws/endpoints.ts";
import { MIN_LINK_SECRET_LENGTH } from "../src/config/idle_settings.ts";
import { isInstanceId } from "../src/domain/instances.ts";
import { LinkSigner } from "../src/domain/links.ts";

/** How long a link lasts without `--hours`. */
export const DEFAULT_HOURS = 24;
/** The longest a link may last: a week. */
export const MAX_HOURS = 168;
const USAGE = "Usage: deno task link <region> <instance-id> [--hours N]";
const HOUR_MS = 3_600_000;

/** Makes the link; returns the exit code. The URL, or what is wrong, goes through `log`. */
export async function main(
  args: readonly string[],
  env: (name: string) => string | undefined,
  options: { now: () => number; log: (line: string) => void },
): Promise<number> {
  const { log } = options;
  const positional: string[] = [];
  let hours = DEFAULT_HOURS;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === "--hours" || arg.startsWith("--hours=")) {
      const value = arg === "--hours" ? args[++index] : arg.slice("--hours=".length);
      const parsed = Number(value);
      if (!value || !Number.isFinite(parsed) || parsed <= 0 || parsed > MAX_HOURS) {
        log(
          `--hours must be a number of hours above 0, at most ${MAX_HOURS}, not "${value ?? ""}"`,
        );
        return 2;
      }
      hours = parsed;
    } else if (arg.startsWith("-")) {
      log(`Unknown option "${arg.slice(0, 40)}". ${USAGE}`);
      return 2;
    } else positional.push(arg);
  }
  const [region, instanceId] = positional;
  if (positional.length !== 2) {
    log(USAGE);
    return 2;
  }
  if (!isRegionName(region)) {
    log(`"${region.slice(0, 40)}" is not a region name, such as "us-west-2"`);
    return 2;
  }
  if (!isInstanceId(instanceId)) {
    log(`"${instanceId.slice(0, 40)}" is not an instance id, such as "i-0123456789abcdef0"`);
    return 2;
  }
  const secret = env("LINK_SECRET");
  const publicUrl = env("PUBLIC_URL");
  if (!secret || secret.length < MIN_LINK_SECRET_LENGTH) {
    log(`Set LINK_SECRET, the service's own, at least ${MIN_LINK_SECRET_LENGTH} characters`);
    return 2;
  }
  if (!publicUrl || !isWebUrl(publicUrl)) {
    log('Set PUBLIC_URL, the service\'s public address, such as "https://workwork.example.com"');
    return 2;
  }
  const expires = options.now() + Math.round(hours * HOUR_MS);
  const url = await new LinkSigner(secret, publicUrl).wakeUrl({ region, instanceId, expires });
  log(url);
  log(`Starts ${instanceId} in ${region} until ${new Date(expires).toISOString()}`);
  return 0;
}

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && !url.username &&
      !url.password;
  } catch {
    return false;
  }
}

if (import.meta.main) {
  Deno.exit(
    await main(Deno.args, (name) => Deno.env.get(name), {
      now: () => Date.now(),
      log: (line) => console.log(line),
    }),
  );
}
