/**
 * Idle stops and warnings in the Cloudflare Workers bundle, in real workerd
 * (npm:miniflare): the cron trigger reads CPU from CloudWatch and EC2 through
 * the worker's own fetch (answered by the simulators), warns the webhook with
 * signed links, and a link's page and button work with no key; with
 * `WARN_BEFORE=0` the cron stops the idle box at once.
 *
 * Needs the permissions tests/e2e/_workerd.ts lists, which `deno task test`
 * grants; skipped without them.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import type { Request as MfRequest } from "miniflare";
import { Ec2Simulator } from "../../src/simulator/ec2.ts";
import { CloudWatchSimulator, RunLog } from "../../src/simulator/cloudwatch.ts";
import { API_KEY, AWS_SECRET, REGION } from "../_helpers.ts";
import { buildBundle, routedWorker, stdioInto } from "./_miniflare.ts";
import { answeredBy } from "./_outbound.ts";
import { workerdGranted, wranglerCompatibility } from "./_workerd.ts";

const DOMAIN = "workwork.test";
const IDLE_BOX = "i-0aaaaaaaaaaaaaaa1";
const BUSY_BOX = "i-0aaaaaaaaaaaaaaa2";
const LINK_SECRET = "a-link-secret-for-the-workerd-test-0123456789";
/** Nothing listens on these: the outbound service answers for each by its port. */
const EC2_ENDPOINT = "http://127.0.0.1:9";
const CLOUDWATCH_ENDPOINT = "http://127.0.0.1:10";
const WEBHOOK = "http://127.0.0.1:11/hook";

const granted = await workerdGranted();
if (!granted) {
  console.warn(
    "idle_workerd_test.ts skipped: it needs the permissions `deno task test:e2e` grants",
  );
}

/** One worker's AWS: EC2 feeding CloudWatch's run log, one idle box and one busy one. */
function world() {
  const runLog = new RunLog();
  const launched = new Date(Date.now() - 3 * 3_600_000).toISOString();
  const ec2 = new Ec2Simulator({
    transitionMs: 0,
    onStateChange: (region, id, state, at) => runLog.changed(region, id, state, at),
    instances: [
      {
        id: IDLE_BOX,
        region: REGION,
        state: "running",
        tags: { Name: "idle-box", "workwork:idle_stop": "45m" },
        launchTime: launched,
      },
      {
        id: BUSY_BOX,
        region: REGION,
        state: "running",
        tags: { Name: "busy-box", "workwork:idle_stop": "45m" },
        launchTime: launched,
      },
    ],
  });
  const cloudwatch = new CloudWatchSimulator({ history: runLog.history });
  cloudwatch.setCpu(IDLE_BOX, 1.5);
  cloudwatch.setCpu(BUSY_BOX, 60);
  const posted: string[] = [];
  const toEc2 = answeredBy(ec2);
  const toCloudWatch = answeredBy(cloudwatch);
  const outbound = async (request: MfRequest) => {
    const { Response: MfResponse } = await import("miniflare");
    const url = new URL(request.url);
    if (url.port === "11") {
      posted.push(JSON.parse(await request.text()).text);
      return new MfResponse(null, { status: 204 });
    }
    return await (url.port === "10" ? toCloudWatch : toEc2)(request);
  };
  return { ec2, cloudwatch, posted, outbound };
}

Deno.test({
  name:
    "the Workers bundle warns of an idle box, its link keeps it, and without warnings the cron stops it",
  ignore: !granted,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "workwork-idle-" });
    const compatibility = await wranglerCompatibility();
    const warned = world();
    const direct = world();
    const { Miniflare } = await import("miniflare");
    const script = await buildBundle(dir);
    const log: string[] = [];
    const worker = (
      name: string,
      aws: ReturnType<typeof world>,
      extra: Record<string, string>,
    ) =>
      routedWorker(name, DOMAIN, script, compatibility, {
        API_KEY,
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: AWS_SECRET,
        AWS_ENDPOINT_URL_EC2: EC2_ENDPOINT,
        AWS_ENDPOINT_URL_CLOUDWATCH: CLOUDWATCH_ENDPOINT,
        SWEEP_REGIONS: REGION,
        NOTIFY_WEBHOOK_URL: WEBHOOK,
        ...extra,
      }, aws.outbound);
    const mf = new Miniflare({
      cf: false,
      handleRuntimeStdio: stdioInto(log),
      workers: [
        worker("warned", warned, { LINK_SECRET, PUBLIC_URL: `https://warned.${DOMAIN}/` }),
        worker("direct", direct, { WARN_BEFORE: "0" }),
      ],
    });
    try {
      await mf.ready;
      const scheduled = async (name: string) => {
        const fetcher = await mf.getWorker(name) as unknown as {
          scheduled(options: { cron: string }): Promise<{ outcome: string }>;
        };
        return (await fetcher.scheduled({ cron: "*/5 * * * *" })).outcome;
      };

      // A warning, with links, and no stop.
      assertEquals(await scheduled("warned"), "ok");
      assertEquals(warned.posted.length, 1);
      const [head, ...links] = warned.posted[0].split("\n");
      assertStringIncludes(
        head,
        `idle-box (${IDLE_BOX}, ${REGION}) will be stopped in 15 min unless it is used`,
      );
      assertStringIncludes(head, "idle 45 min: CPU max 1.5% < 5%, no heartbeat");
      assertEquals(warned.ec2.instance(REGION, IDLE_BOX)!.state, "running");
      assert(warned.ec2.instance(REGION, IDLE_BOX)!.tags["workwork:warned"]);
      assertEquals(warned.cloudwatch.calls.map(({ queries }) => queries), [2]);

      // The link: a page on GET, the hold on POST, no key.
      const keep = links.find((line) => line.startsWith("Keep 4 h: "))!.slice("Keep 4 h: ".length);
      const page = await mf.dispatchFetch(keep);
      assertEquals(page.status, 200);
      assertStringIncludes(await page.text(), "Keep it running 4 hours");
      assertEquals(warned.ec2.instance(REGION, IDLE_BOX)!.tags["workwork:hold_until"], undefined);
      const kept = await mf.dispatchFetch(keep, { method: "POST" });
      assertEquals(kept.status, 200);
      await kept.arrayBuffer();
      const hold = Date.parse(warned.ec2.instance(REGION, IDLE_BOX)!.tags["workwork:hold_until"]);
      assert(Math.abs(hold - (Date.now() + 4 * 3_600_000)) < 60_000, `hold until ${hold}`);

      // Without warnings, the cron stops the idle box, and only it.
      assertEquals(await scheduled("direct"), "ok");
      assertEquals(direct.ec2.instance(REGION, IDLE_BOX)!.state, "stopped");
      assertEquals(direct.ec2.instance(REGION, BUSY_BOX)!.state, "running");
      assertStringIncludes(direct.posted.join("\n"), "stopped idle-box");
    } finally {
      await mf.dispose();
      await Deno.remove(dir, { recursive: true });
    }
    const output = log.join("");
    assertEquals(output.includes(LINK_SECRET), false, "LINK_SECRET reached the log");
    assertEquals(output.includes(AWS_SECRET), false, "the AWS secret reached the log");
  },
});
