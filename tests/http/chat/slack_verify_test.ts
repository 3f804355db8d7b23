import { assertEquals, assertRejects } from "@std/assert";
import { ChatRequestError, readChatBody } from "../../../src/http/chat/errors.ts";
import {
  slackSignature,
  slackSignedHeaders,
  verifySlackRequest,
} from "../../../src/http/chat/slack_verify.ts";

// The worked example of https://api.slack.com/authentication/verifying-requests-from-slack
const DOC_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const DOC_TIMESTAMP = "1531420618";
const DOC_BODY = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow" +
  "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner" +
  "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands" +
  "%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
  "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const DOC_NOW = new Date(Number(DOC_TIMESTAMP) * 1000 + 60_000);

const docRequest = { timestamp: DOC_TIMESTAMP, signature: DOC_SIGNATURE, body: DOC_BODY };

async function refusal(promise: Promise<unknown>): Promise<ChatRequestError> {
  const error = await assertRejects(() => promise, ChatRequestError);
  assertEquals(error.status, 401);
  return error;
}

Deno.test("slackSignature computes Slack's documented example", async () => {
  assertEquals(await slackSignature(DOC_SECRET, DOC_TIMESTAMP, DOC_BODY), DOC_SIGNATURE);
});

Deno.test("Slack's documented request verifies, as text and as bytes", async () => {
  await verifySlackRequest(DOC_SECRET, docRequest, { now: DOC_NOW });
  await verifySlackRequest(
    DOC_SECRET,
    { ...docRequest, body: new TextEncoder().encode(DOC_BODY) },
    { now: DOC_NOW },
  );
});

Deno.test("a changed body, another secret or a changed signature is refused", async () => {
  const now = { now: DOC_NOW };
  const body = DOC_BODY.replace("text=", "text=stop%20web");
  assertEquals(
    (await refusal(verifySlackRequest(DOC_SECRET, { ...docRequest, body }, now))).message,
    "Slack request signature does not match",
  );
  await refusal(verifySlackRequest("another-secret", docRequest, now));
  const flipped = DOC_SIGNATURE.slice(0, -1) + "4";
  await refusal(verifySlackRequest(DOC_SECRET, { ...docRequest, signature: flipped }, now));
});

Deno.test("a request older or newer than five minutes is refused as a replay", async () => {
  const at = Number(DOC_TIMESTAMP) * 1000;
  await verifySlackRequest(DOC_SECRET, docRequest, { now: new Date(at + 300_000) });
  await verifySlackRequest(DOC_SECRET, docRequest, { now: new Date(at - 300_000) });
  const late = await refusal(
    verifySlackRequest(DOC_SECRET, docRequest, { now: new Date(at + 301_000) }),
  );
  assertEquals(late.message, "Slack request timestamp is more than 300 seconds from now");
  await refusal(verifySlackRequest(DOC_SECRET, docRequest, { now: new Date(at - 301_000) }));
});

Deno.test("missing or malformed headers are refused without a comparison", async () => {
  const now = { now: DOC_NOW };
  for (
    const headers of [
      { timestamp: null, signature: DOC_SIGNATURE },
      { timestamp: DOC_TIMESTAMP, signature: null },
      { timestamp: "1531420618.5", signature: DOC_SIGNATURE },
      { timestamp: DOC_TIMESTAMP, signature: DOC_SIGNATURE.replace("v0=", "v1=") },
      { timestamp: DOC_TIMESTAMP, signature: DOC_SIGNATURE.slice(0, 40) },
      { timestamp: DOC_TIMESTAMP, signature: DOC_SIGNATURE.toUpperCase() },
    ]
  ) {
    const error = await refusal(
      verifySlackRequest(DOC_SECRET, { ...headers, body: DOC_BODY }, now),
    );
    assertEquals(error.problem, "signature");
  }
});

Deno.test("no refusal quotes the secret, the signature or the body", async () => {
  const messages: string[] = [];
  for (const now of [DOC_NOW, new Date(0)]) {
    const error = await refusal(
      verifySlackRequest("wrong", { ...docRequest, body: DOC_BODY + "x" }, { now }),
    );
    messages.push(error.message);
  }
  for (const message of messages) {
    for (const secret of [DOC_SECRET, DOC_SIGNATURE.slice(3, 20), "xyzz0WbapA4vBCDEFasx0q6G"]) {
      assertEquals(message.includes(secret), false, message);
    }
  }
});

Deno.test("slackSignedHeaders reads the headers whatever their case", () => {
  const headers = new Headers({
    "x-slack-request-timestamp": DOC_TIMESTAMP,
    "X-Slack-Signature": DOC_SIGNATURE,
  });
  assertEquals(slackSignedHeaders(headers), { timestamp: DOC_TIMESTAMP, signature: DOC_SIGNATURE });
});

Deno.test("readChatBody returns the raw bytes and refuses a body past the limit", async () => {
  const small = new Request("http://x/", { method: "POST", body: DOC_BODY });
  assertEquals(new TextDecoder().decode(await readChatBody(small)), DOC_BODY);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(new Uint8Array(1024));
    },
  });
  const endless = new Request("http://x/", { method: "POST", body: stream });
  const error = await assertRejects(() => readChatBody(endless, 4096), ChatRequestError);
  assertEquals([error.status, error.problem], [413, "too_large"]);
  const declared = new Request("http://x/", {
    method: "POST",
    body: "x".repeat(10),
    headers: { "content-length": "999999" },
  });
  await assertRejects(() => readChatBody(declared, 100), ChatRequestError);
});
