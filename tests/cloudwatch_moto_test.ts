/**
 * Interop: data points put into moto's CloudWatch (an implementation we did
 * not write) are read back through our client. Needs `moto_server` on the
 * PATH (`pip install 'moto[server]'`), --allow-run=moto_server and
 * --allow-net=127.0.0.1; skipped with a message otherwise.
 */
import { assert, assertEquals } from "@std/assert";
import { CloudWatchClient } from "../src/aws/cloudwatch.ts";
import { Ec2Signer } from "../src/ec2/signer.ts";

const REGION = "us-west-2";
const CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };
const WITH_DATA = "i-0a1b2c3d4e5f60718";
const WITHOUT_DATA = "i-0fedcba9876543210";
const BANNER = /Running on http:\/\/127\.0\.0\.1:(\d+)/;
const START_TIMEOUT_MS = 60_000;

async function motoAvailable(): Promise<string | null> {
  const run = await Deno.permissions.query({ name: "run", command: "moto_server" });
  const net = await Deno.permissions.query({ name: "net", host: "127.0.0.1" });
  if (run.state !== "granted" || net.state !== "granted") {
    return "it needs --allow-run=moto_server --allow-net=127.0.0.1";
  }
  try {
    const probe = await new Deno.Command("moto_server", {
      args: ["--help"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return probe.success ? null : "moto_server --help failed";
  } catch {
    return "moto_server is not installed (pip install 'moto[server]')";
  }
}

const skip = await motoAvailable();
if (skip) console.warn(`cloudwatch_moto_test.ts skipped: ${skip}`);

/** Starts moto_server on a free loopback port; the caller stops it. */
async function startMoto(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = new Deno.Command("moto_server", {
    args: ["-H", "127.0.0.1", "-p", "0"],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const stop = async () => {
    child.kill("SIGTERM");
    await lines.cancel();
    await child.status;
  };
  const timer = setTimeout(() => stop(), START_TIMEOUT_MS);
  try {
    let seen = "";
    for (;;) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`moto_server ended before it listened: ${seen.slice(-500)}`);
      seen += value;
      const port = seen.match(BANNER)?.[1];
      if (!port) continue;
      // Reads on, so moto never blocks on a full pipe with its request log.
      const drained = (async () => {
        while (!(await lines.read()).done) { /* moto's request log */ }
      })();
      return {
        url: `http://127.0.0.1:${port}/`,
        stop: async () => {
          child.kill("SIGTERM");
          await drained;
          await child.status;
        },
      };
    }
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** PutMetricData of CPU points for one instance, signed for `monitoring`. */
async function putCpu(url: string, instanceId: string, points: [string, number][]) {
  const form = new URLSearchParams({
    Action: "PutMetricData",
    Version: "2010-08-01",
    Namespace: "AWS/EC2",
  });
  points.forEach(([timestamp, value], index) => {
    const at = `MetricData.member.${index + 1}.`;
    form.append(`${at}MetricName`, "CPUUtilization");
    form.append(`${at}Dimensions.member.1.Name`, "InstanceId");
    form.append(`${at}Dimensions.member.1.Value`, instanceId);
    form.append(`${at}Timestamp`, timestamp);
    form.append(`${at}Value`, String(value));
    form.append(`${at}Unit`, "Percent");
  });
  const body = form.toString();
  const headers = await new Ec2Signer(CREDENTIALS, "monitoring").sign({
    url,
    region: REGION,
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body,
  });
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  assertEquals(response.status, 200, text);
}

Deno.test({
  name: "CPU put into moto's CloudWatch is read back as period maxima",
  ignore: skip !== null,
  fn: async () => {
    const moto = await startMoto();
    try {
      await putCpu(moto.url, WITH_DATA, [
        ["2026-11-26T11:00:30Z", 1.5],
        ["2026-11-26T11:02:00Z", 4.25],
        ["2026-11-26T11:05:00Z", 2],
        ["2026-11-26T11:12:00Z", 30],
        // After the window: not asked for.
        ["2026-11-26T11:20:00Z", 99],
      ]);
      const client = new CloudWatchClient({ credentials: CREDENTIALS, endpoint: moto.url });
      const series = await client.cpuMaxima(REGION, [WITH_DATA, WITHOUT_DATA], {
        startTime: Date.parse("2026-11-26T11:00:00Z"),
        endTime: Date.parse("2026-11-26T11:15:00Z"),
      });
      assertEquals(series.get(WITH_DATA)?.points, [
        { timestamp: Date.parse("2026-11-26T11:00:00Z"), value: 4.25 },
        { timestamp: Date.parse("2026-11-26T11:05:00Z"), value: 2 },
        { timestamp: Date.parse("2026-11-26T11:10:00Z"), value: 30 },
      ]);
      assertEquals(series.get(WITH_DATA)?.statusCode, "Complete");
      assertEquals(series.get(WITHOUT_DATA)?.points, []);
      // Another region of moto holds nothing.
      const elsewhere = await client.cpuMaxima("eu-central-1", [WITH_DATA], {
        startTime: Date.parse("2026-11-26T11:00:00Z"),
        endTime: Date.parse("2026-11-26T11:15:00Z"),
      });
      assert(elsewhere.get(WITH_DATA)?.points.length === 0);
    } finally {
      await moto.stop();
    }
  },
});
