/**
 * The chat verifiers in real workerd (npm:miniflare): Slack's HMAC and
 * Discord's Ed25519 through Cloudflare's WebCrypto, signed here in Deno.
 *
 * Needs the permissions tests/e2e/_workerd.ts lists, which `deno task test:e2e`
 * grants; skipped without them.
 */
import { assert, assertEquals } from "@std/assert";
import { slackSignature } from "../../src/http/chat/slack_verify.ts";
import { WORKERD_COMPATIBILITY_DATE, workerdPermissions } from "./_workerd.ts";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

async function granted(): Promise<boolean> {
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

const ready = await granted();
if (!ready) console.warn("chat_workerd_test.ts skipped: `deno task test:e2e` grants what it needs");

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test({
  name: "Slack and Discord signatures verify in workerd, and forgeries are refused there",
  ignore: !ready,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "workwork-chat-" });
    const output = `${dir}/chat_worker.js`;
    const built = await new Deno.Command("deno", {
      args: ["bundle", "--frozen", "--platform=browser", "-o", output, "tests/e2e/_chat_worker.ts"],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert(built.success, new TextDecoder().decode(built.stderr));
    const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
      "sign",
      "verify",
    ]) as CryptoKeyPair;
    const publicKey = hex(await crypto.subtle.exportKey("raw", pair.publicKey));
    const { Miniflare } = await import("miniflare");
    const mf = new Miniflare({
      cf: false,
      modules: [{ type: "ESModule", path: "worker.js", contents: await Deno.readTextFile(output) }],
      compatibilityDate: WORKERD_COMPATIBILITY_DATE,
      bindings: { SLACK_SIGNING_SECRET: SECRET, DISCORD_PUBLIC_KEY: publicKey },
    });
    try {
      const send = async (path: string, headers: Record<string, string>, body: string) => {
        const response = await mf.dispatchFetch(`https://chat.test${path}`, {
          method: "POST",
          headers,
          body,
        });
        await response.arrayBuffer();
        return response.status;
      };
      const timestamp = String(Math.floor(Date.now() / 1000));
      const slackBody = "team_id=T1DC2JH3J&user_id=U2CERLKJA&command=%2Fworkwork&text=list";
      const slack = {
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": await slackSignature(SECRET, timestamp, slackBody),
      };
      assertEquals(await send("/slack", slack, slackBody), 204);
      assertEquals(await send("/slack", slack, slackBody + "&x=1"), 401);

      const discordBody = JSON.stringify({ type: 1, id: "1", application_id: "2", token: "t" });
      const signature = hex(
        await crypto.subtle.sign(
          "Ed25519",
          pair.privateKey,
          new TextEncoder().encode(timestamp + discordBody),
        ),
      );
      const discord = { "x-signature-timestamp": timestamp, "x-signature-ed25519": signature };
      assertEquals(await send("/discord", discord, discordBody), 204);
      assertEquals(await send("/discord", discord, discordBody.replace("1", "3")), 401);
      assertEquals(
        await send("/discord", { ...discord, "x-signature-ed25519": "00" }, discordBody),
        401,
      );
    } finally {
      await mf.dispose();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
