/**
 * Interop: data points put into moto's CloudWatch (an implementation we did
 * not write) are read back through our client. Needs `moto_server` on the
 * PATH (`pip install 'moto[server]'`), --allow-run=moto_server and
 * --allow-net=127.0.0.1; skipped with a message otherwise.
 */
import { assert, assertEquals } from "@std/assert";
import { CloudWatchClient } from "../../src/aws/cloudwatch.ts";
import { Ec2Signer } from "../../src/aws/signer.ts";
import { motoUnavailable, startMotoOrThrow } from "./_moto.ts";

const REGION = "us-west-2";
const CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };
const WITH_DATA = "i-0a1b2c3d4e5f60718";
const WITHOUT_DATA = "i-0fedcba9876543210";

const skip = await motoUnavailable();
if (skip) console.warn(`cloudwatch_moto_test.ts skipped: ${skip}`);

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
    const moto = await startMotoOrThrow();
    try {
      await putCpu(moto.base, WITH_DATA, [
        ["2026-11-26T11:00:30Z", 1.5],
        ["2026-11-26T11:02:00Z", 4.25],
        ["2026-11-26T11:05:00Z", 2],
        ["2026-11-26T11:12:00Z", 30],
        // After the window: not asked for.
        ["2026-11-26T11:20:00Z", 99],
      ]);
      const client = new CloudWatchClient({ credentials: CREDENTIALS, endpoint: moto.base });
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
