/**
 * EC2 for a worker in workerd: Miniflare's `outboundService` answered by the
 * simulator on the Deno side, so a bundle without a simulator of its own
 * (the production one) runs its whole path, SigV4 and XML included, and
 * nothing leaves the machine.
 *
 * @module
 */
import type { Request as MfRequest, Response as MfResponse } from "miniflare";

/** A simulator as the worker's outbound requests reach it: one `fetch`. */
export interface Answering {
  fetch(url: string, init: RequestInit): Promise<Response>;
}

/** An `outboundService` that hands every request the worker sends to `simulator`. */
export function answeredBy(simulator: Answering): (request: MfRequest) => Promise<MfResponse> {
  return async (request) => {
    // Loaded here, so importing this file costs nothing when workerd cannot run.
    const { Response } = await import("miniflare");
    const answer = await simulator.fetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      body: request.method === "GET" ? undefined : await request.arrayBuffer(),
    });
    return new Response(await answer.arrayBuffer(), {
      status: answer.status,
      headers: [...answer.headers],
    });
  };
}
