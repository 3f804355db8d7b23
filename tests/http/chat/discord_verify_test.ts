import { assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  discordSignedHeaders,
  importDiscordPublicKey,
  verifyDiscordRequest,
} from "../../../src/http/chat/discord_verify.ts";
import { ChatRequestError } from "../../../src/http/chat/errors.ts";

const NOW = new Date("2026-12-01T09:00:00Z");
const TIMESTAMP = String(NOW.getTime() / 1000);
const BODY = JSON.stringify({ type: 1, id: "1", application_id: "2", token: "t", version: 1 });

const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
  "sign",
  "verify",
]) as CryptoKeyPair;
const publicHex = hex(new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey)));
const publicKey = await importDiscordPublicKey(publicHex);

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sign(timestamp: string, body: string, key = pair.privateKey): Promise<string> {
  const data = new TextEncoder().encode(timestamp + body);
  return hex(new Uint8Array(await crypto.subtle.sign("Ed25519", key, data)));
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await assertRejects(() => promise, ChatRequestError);
  assertEquals([error.status, error.problem], [401, "signature"]);
  return error.message;
}

Deno.test("an interaction signed with the application's key verifies", async () => {
  const signature = await sign(TIMESTAMP, BODY);
  await verifyDiscordRequest(publicKey, { timestamp: TIMESTAMP, signature, body: BODY }, {
    now: NOW,
  });
  await verifyDiscordRequest(
    publicKey,
    {
      timestamp: TIMESTAMP,
      signature: signature.toUpperCase(),
      body: new TextEncoder().encode(BODY),
    },
    { now: NOW },
  );
});

Deno.test("a changed body, timestamp or signature, or another key's signature, is refused", async () => {
  const signature = await sign(TIMESTAMP, BODY);
  const now = { now: NOW };
  assertEquals(
    await refusal(
      verifyDiscordRequest(publicKey, { timestamp: TIMESTAMP, signature, body: BODY + " " }, now),
    ),
    "Discord request signature does not verify",
  );
  const later = String(Number(TIMESTAMP) + 1);
  await refusal(verifyDiscordRequest(publicKey, { timestamp: later, signature, body: BODY }, now));
  const flipped = (signature[0] === "0" ? "1" : "0") + signature.slice(1);
  await refusal(
    verifyDiscordRequest(publicKey, { timestamp: TIMESTAMP, signature: flipped, body: BODY }, now),
  );
  const other = await crypto.subtle.generateKey({ name: "Ed25519" }, false, [
    "sign",
  ]) as CryptoKeyPair;
  const forged = await sign(TIMESTAMP, BODY, other.privateKey);
  await refusal(
    verifyDiscordRequest(publicKey, { timestamp: TIMESTAMP, signature: forged, body: BODY }, now),
  );
});

Deno.test("an interaction more than five minutes from now is refused as a replay", async () => {
  const old = String(Number(TIMESTAMP) - 301);
  const signature = await sign(old, BODY);
  assertEquals(
    await refusal(
      verifyDiscordRequest(publicKey, { timestamp: old, signature, body: BODY }, { now: NOW }),
    ),
    "Discord request timestamp is more than 300 seconds from now",
  );
  const edge = String(Number(TIMESTAMP) - 300);
  await verifyDiscordRequest(
    publicKey,
    { timestamp: edge, signature: await sign(edge, BODY), body: BODY },
    { now: NOW },
  );
});

Deno.test("missing or malformed headers are refused", async () => {
  const signature = await sign(TIMESTAMP, BODY);
  for (
    const headers of [
      { timestamp: null, signature },
      { timestamp: TIMESTAMP, signature: null },
      { timestamp: "soon", signature },
      { timestamp: TIMESTAMP, signature: signature.slice(2) },
      { timestamp: TIMESTAMP, signature: "zz" + signature.slice(2) },
    ]
  ) {
    await refusal(verifyDiscordRequest(publicKey, { ...headers, body: BODY }, { now: NOW }));
  }
});

Deno.test("importDiscordPublicKey refuses a key that is not 64 hex digits, without quoting it", () => {
  for (const bad of ["", publicHex.slice(2), publicHex + "00", "g".repeat(64)]) {
    const error = assertThrows(() => importDiscordPublicKey(bad), TypeError);
    assertEquals(error.message.includes(publicHex.slice(0, 16)), false);
  }
});

Deno.test("discordSignedHeaders reads the two headers", () => {
  const headers = new Headers({ "X-Signature-Ed25519": "ab", "x-signature-timestamp": "1" });
  assertEquals(discordSignedHeaders(headers), { timestamp: "1", signature: "ab" });
});
