/**
 * A worker that only checks chat signatures, for chat_workerd_test.ts: it runs
 * the verifiers of `src/http/chat/` in workerd, whose WebCrypto is not Deno's.
 * `POST /slack` and `POST /discord` answer 204 when the request verifies and
 * the refusal's status otherwise.
 */
import {
  discordSignedHeaders,
  importDiscordPublicKey,
  verifyDiscordRequest,
} from "../../src/http/chat/discord_verify.ts";
import { ChatRequestError, readChatBody } from "../../src/http/chat/errors.ts";
import { slackSignedHeaders, verifySlackRequest } from "../../src/http/chat/slack_verify.ts";

interface Bindings {
  SLACK_SIGNING_SECRET: string;
  DISCORD_PUBLIC_KEY: string;
}

export default {
  async fetch(request: Request, env: Bindings): Promise<Response> {
    try {
      const body = await readChatBody(request);
      const now = { now: new Date() };
      if (new URL(request.url).pathname === "/slack") {
        await verifySlackRequest(
          env.SLACK_SIGNING_SECRET,
          { ...slackSignedHeaders(request.headers), body },
          now,
        );
      } else {
        const key = await importDiscordPublicKey(env.DISCORD_PUBLIC_KEY);
        await verifyDiscordRequest(key, { ...discordSignedHeaders(request.headers), body }, now);
      }
      return new Response(null, { status: 204 });
    } catch (error) {
      if (error instanceof ChatRequestError) {
        return Response.json({ problem: error.problem }, { status: error.status });
      }
      return Response.json({ problem: String(error) }, { status: 500 });
    }
  },
};
