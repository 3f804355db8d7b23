/**
 * The chat verifiers in real workerd (npm:miniflare): Slack's HMAC and
 * Discord's Ed25519 through Cloudflare's WebCrypto, signed here in Deno.
 *
 * Needs the permissions tests/e2e/_workerd.ts lists, which `deno task test:e2e`
 * grants; skipped without them.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import type { Request as MfRequest } from "miniflare";
import { slackSignature } from "../../src/http/chat/slack_verify.ts";
import { Ec2Simulator } from "../../src/simulator/ec2.ts";
import { AWS_SECRET, REGION, RUNNING_ID, SEEDS } from "../_helpers.ts";
import { buildBundle } from "./_miniflare.ts";
import { WORKERD_COMPATIBILITY_DATE, workerdGranted } from "./_workerd.ts";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

const ready = await workerdGranted();
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

Deno.test({
  name:
    "the Workers bundle: a signed /workwork stop changes EC2 and posts to response_url after the answer",
  ignore: !ready,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "workwork-chat-bundle-" });
    const simulator = new Ec2Simulator({ instances: SEEDS, transitionMs: 60_000 });
    const responseUrl = "https://hooks.slack.com/commands/T1DC2JH3J/1/abc";
    const discordEdit =
      "https://discord.com/api/v10/webhooks/1100000000000000001/tok/messages/@original";
    let posted: (body: string) => void = () => {};
    const post = new Promise<string>((resolve) => posted = resolve);
    let edited: (request: { method: string; body: string }) => void = () => {};
    const edit = new Promise<{ method: string; body: string }>((resolve) => edited = resolve);
    const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
      "sign",
      "verify",
    ]) as CryptoKeyPair;
    const { Miniflare, Response: MfResponse } = await import("miniflare");
    const mf = new Miniflare({
      cf: false,
      modules: [{ type: "ESModule", path: "worker.js", contents: await buildBundle(dir) }],
      compatibilityDate: WORKERD_COMPATIBILITY_DATE,
      bindings: {
        API_KEYS: JSON.stringify([{
          name: "web-team",
          key: "web-team-key-0123456789",
          actions: ["read", "stop"],
          slack_users: ["U2CERLKJA"],
          discord_users: ["80351110224678912"],
        }]),
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: AWS_SECRET,
        // Nothing listens there: every outbound request goes to the service below.
        AWS_ENDPOINT_URL_EC2: "http://127.0.0.1:9",
        REGIONS: REGION,
        SLACK_SIGNING_SECRET: SECRET,
        DISCORD_PUBLIC_KEY: hex(await crypto.subtle.exportKey("raw", pair.publicKey)),
      },
      outboundService: async (request: MfRequest) => {
        if (request.url === responseUrl) {
          posted(await request.text());
          return new MfResponse("ok");
        }
        if (request.url === discordEdit) {
          edited({ method: request.method, body: await request.text() });
          return new MfResponse("{}", { headers: { "content-type": "application/json" } });
        }
        const answer = await simulator.fetch(request.url, {
          method: request.method,
          headers: [...request.headers],
          body: request.method === "GET" ? undefined : await request.arrayBuffer(),
        });
        return new MfResponse(await answer.arrayBuffer(), {
          status: answer.status,
          headers: [...answer.headers],
        });
      },
    });
    let guard: ReturnType<typeof setTimeout> | undefined;
    try {
      const body = new URLSearchParams({
        team_id: "T1DC2JH3J",
        user_id: "U2CERLKJA",
        command: "/workwork",
        text: "stop dev-box",
        response_url: responseUrl,
      }).toString();
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": await slackSignature(SECRET, timestamp, body),
      };
      const forged = await mf.dispatchFetch("https://chat.test/slack/commands", {
        method: "POST",
        headers: { ...headers, "x-slack-signature": `v0=${"0".repeat(64)}` },
        body,
      });
      assertEquals(forged.status, 401);
      await forged.arrayBuffer();
      assertEquals(simulator.calls, []);

      const response = await mf.dispatchFetch("https://chat.test/slack/commands", {
        method: "POST",
        headers,
        body,
      });
      assertEquals(response.status, 200);
      assertEquals(await response.text(), "");
      // Not a timing: a guard so a missing post fails instead of hanging.
      const never = new Promise<never>((_, reject) => {
        guard = setTimeout(() => reject(new Error("response_url got no post")), 30_000);
      });
      never.catch(() => {});
      const message = JSON.parse(await Promise.race([post, never]));
      assertEquals(message.response_type, "in_channel");
      assertStringIncludes(message.text, "is stopping");
      assertEquals(simulator.instance(REGION, RUNNING_ID)?.state, "stopping");
      assertEquals(simulator.instance(REGION, RUNNING_ID)?.tags.start_time, "");
      assertEquals(
        simulator.calls.filter((call) => call.action === "StopInstances").length,
        1,
      );

      // Discord: the same bundle, a signed /workwork status deferred, then the original edited.
      const interaction = JSON.stringify({
        type: 2,
        id: "1200000000000000001",
        application_id: "1100000000000000001",
        token: "tok",
        user: { id: "80351110224678912" },
        data: {
          name: "workwork",
          options: [{
            name: "status",
            type: 1,
            options: [{ name: "name", type: 3, value: "dev-box" }],
          }],
        },
      });
      const signature = hex(
        await crypto.subtle.sign(
          "Ed25519",
          pair.privateKey,
          new TextEncoder().encode(timestamp + interaction),
        ),
      );
      const deferred = await mf.dispatchFetch("https://chat.test/discord/interactions", {
        method: "POST",
        headers: { "x-signature-timestamp": timestamp, "x-signature-ed25519": signature },
        body: interaction,
      });
      assertEquals(await deferred.json(), { type: 5 });
      const patch = await Promise.race([edit, never]);
      assertEquals(patch.method, "PATCH");
      assertEquals(JSON.parse(patch.body).embeds[0].title, "dev\\-box");
    } finally {
      clearTimeout(guard);
      await mf.dispose();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
