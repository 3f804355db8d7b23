/**
 * `deno task discord:register`: registers the `/workwork` command with Discord,
 * with `DISCORD_APPLICATION_ID` and `DISCORD_BOT_TOKEN` from the environment.
 * `--api-url=URL` sends to another Discord API (a test's fake).
 *
 * @module
 */
import { registerDiscordCommands } from "../src/http/chat/discord_register.ts";

/** Runs the registration; returns the exit code. Output goes through `log`. */
export async function main(
  args: readonly string[],
  env: (name: string) => string | undefined,
  options: { fetch: typeof fetch; log: (line: string) => void },
): Promise<number> {
  const apiUrl = args.find((arg) => arg.startsWith("--api-url="))?.slice("--api-url=".length);
  const unknown = args.find((arg) => !arg.startsWith("--api-url="));
  if (unknown !== undefined) {
    options.log(`Unknown argument "${unknown.slice(0, 40)}"; the only one is --api-url=URL`);
    return 2;
  }
  const applicationId = env("DISCORD_APPLICATION_ID");
  const botToken = env("DISCORD_BOT_TOKEN");
  if (!applicationId || !botToken) {
    options.log("Set DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN (Discord's developer portal)");
    return 2;
  }
  try {
    const names = await registerDiscordCommands({
      applicationId,
      botToken,
      fetch: options.fetch,
      apiUrl,
    });
    options.log(
      `Registered ${names.map((name) => `/${name}`).join(", ")} for application ${applicationId}`,
    );
    return 0;
  } catch (error) {
    options.log((error as Error).message);
    return 1;
  }
}

if (import.meta.main) {
  Deno.exit(
    await main(Deno.args, (name) => Deno.env.get(name), {
      fetch,
      log: (line) => console.log(line),
    }),
  );
}
