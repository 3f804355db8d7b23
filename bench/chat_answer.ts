/**
 * How fast a signed Slack command is answered, and how long until its outcome
 * is posted to `response_url`, in-process on the simulator: a figure, not a
 * verdict (Slack allows 3 s for the answer).
 *
 * ```sh
 * deno run --frozen --allow-env --allow-read bench/chat_answer.ts
 * ```
 *
 * @module
 */
import { chatApp, slackCommand } from "../tests/http/routes/_chat.ts";

const ROUNDS = 300;
const chat = await chatApp();
const pending: Promise<unknown>[] = [];
const context = {
  waitUntil: (work: Promise<unknown>) => void pending.push(work),
  passThroughOnException() {},
  props: {},
};
const answered: number[] = [];
const posted: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const request = await slackCommand(i % 2 ? "stop dev-box --dry-run" : "status build box");
  const started = performance.now();
  const response = await chat.app.fetch(request, {}, context);
  answered.push(performance.now() - started);
  await response.arrayBuffer();
  while (pending.length) await pending.shift();
  posted.push(performance.now() - started);
}
const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))].toFixed(2);
console.log(
  `${ROUNDS} signed /workwork commands (status, stop --dry-run): answer p50 ${
    quantile(answered, 0.5)
  } ms, p99 ${quantile(answered, 0.99)} ms; outcome posted p50 ${quantile(posted, 0.5)} ms, p99 ${
    quantile(posted, 0.99)
  } ms (${chat.posted.length} posts)`,
);
