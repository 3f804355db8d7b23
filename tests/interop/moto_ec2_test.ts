/**
 * Interop: the real service (`deno task start`'s command, credentials set,
 * AWS_ENDPOINT_URL_EC2 at moto) against moto's server, an EC2 we did not
 * write, walked over HTTP the way a user walks the contract; every fact the
 * service reports is checked against what moto itself says.
 *
 * Where moto and real EC2 differ, the AWS API reference decides what the
 * service must do, and the suite accepts both answers, saying which is which.
 * docs/interop.md lists the differences found.
 *
 * Needs --allow-run=deno,moto_server, --allow-net=127.0.0.1 and --allow-env
 * (`deno task test` grants them); skipped with a message where moto_server is
 * missing, unless WORKWORK_REQUIRE_MOTO is set (CI, once it installed moto).
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { mayStartServer, type RunningServer, startServer } from "../_server.ts";
import { RawEc2, REQUIRE_MOTO_VARIABLE, skeleton, startMoto } from "./_moto.ts";
import { errorOf } from "../_helpers.ts";
import {
  MOTO_CREATE_TAGS,
  MOTO_ERROR_DRY_RUN,
  MOTO_ERROR_NOT_FOUND,
  MOTO_REBOOT_INSTANCES,
  MOTO_START_INSTANCES,
  MOTO_STOP_INSTANCES,
} from "../_fixtures.ts";

const REGION = "us-west-2";
const API_KEY = "interop-key-0123456789abcdef";
const CREDENTIALS = {
  accessKeyId: "AKIDMOTOEXAMPLE",
  secretAccessKey: "moto-secret-never-in-a-log/EXAMPLEKEY",
};
const UNKNOWN_ID = "i-0123456789abcdef0";
/** Awkward tag values: leading zeros, "&", "<", spaces, a number-like string. */
const AWKWARD_TAGS = {
  Name: "Tom & Jerry <dev>",
  agent: "007",
  account: "012345678901",
  version: "1.10",
  padded: " spaced ",
  team: "web",
};

const granted = await mayStartServer();
const moto = granted
  ? await startMoto()
  : "it needs --allow-run=deno --allow-net=127.0.0.1 --allow-env";
const required = granted && Boolean(Deno.env.get(REQUIRE_MOTO_VARIABLE));
if (typeof moto === "string" && !required) {
  console.warn(`moto_test.ts skipped: ${moto} (pip install 'moto[server]')`);
}

Deno.test({
  name: "the service started against moto keeps the HTTP contract, and moto agrees with it",
  ignore: typeof moto === "string" && !required,
  async fn(t) {
    if (typeof moto === "string") throw new Error(`${REQUIRE_MOTO_VARIABLE} is set, but ${moto}`);
    const ec2 = new RawEc2(moto.base, CREDENTIALS);
    let server: RunningServer | undefined;
    try {
      const image = await ec2.anyImageId(REGION);
      const web = await ec2.runInstance(REGION, image, AWKWARD_TAGS);
      const db = await ec2.runInstance(REGION, image, { Name: "db", team: "db" });
      const locked = await ec2.runInstance(REGION, image, { Name: "locked" }, {
        DisableApiStop: true,
      });
      await ec2.call("StopInstances", { InstanceId: [db] }, REGION);

      server = await startServer({
        API_KEY,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_EC2: moto.base,
      });
      const base = server.base;
      const instance = (id: string) => `${base}/instance/${REGION}/${id}`;
      const keyed = { "x-api-key": API_KEY };
      const change = async (id: string, action: string, query = "") => {
        const response = await fetch(`${instance(id)}/${action}${query}`, {
          method: "POST",
          headers: keyed,
        });
        return response;
      };

      await t.step("read: every key equals what moto's DescribeInstances says", async () => {
        for (const id of [web, db]) {
          const response = await fetch(instance(id), { headers: keyed });
          assertEquals(response.status, 200);
          const body = await response.json();
          const truth = await ec2.describe(REGION, id);
          assertEquals(
            {
              public_dns_name: body.public_dns_name,
              public_ip_address: body.public_ip_address,
              state: body.state,
              tags: body.tags,
              type: body.type,
            },
            truth,
          );
          assertEquals(body.id, id);
        }
        const read = await (await fetch(instance(web), { headers: keyed })).json();
        assertEquals(read.tags, AWKWARD_TAGS);
        assertEquals(read.state, "running");
        assertMatch(read.public_ip_address, /^\d+\.\d+\.\d+\.\d+$/);
        const stopped = await (await fetch(instance(db), { headers: keyed })).json();
        assertEquals([stopped.state, stopped.public_ip_address, stopped.public_dns_name], [
          "stopped",
          null,
          null,
        ]);
      });

      await t.step("listing filters by state and by tag as moto does", async () => {
        const ids = async (query: string) => {
          const response = await fetch(`${base}/instance/${REGION}${query}`, { headers: keyed });
          assertEquals(response.status, 200, query);
          const { instances } = await response.json();
          return (instances as { id: string }[]).map(({ id }) => id).sort();
        };
        assertEquals(await ids(""), [web, db, locked].sort());
        assertEquals(await ids("?state=running"), [web, locked].sort());
        assertEquals(await ids("?state=stopped"), [db]);
        assertEquals(await ids("?state=running,stopped"), [web, db, locked].sort());
        assertEquals(await ids("?tag:team=web"), [web]);
        assertEquals(await ids("?tag:agent=007"), [web]);
        assertEquals(await ids(`?tag:Name=${encodeURIComponent("Tom & Jerry <dev>")}`), [web]);
        assertEquals(await ids("?tag:team=web&tag:team=db"), [web, db].sort());
        assertEquals(await ids("?state=stopped&tag:team=web"), []);
      });

      await t.step(
        "stop with wait=true answers stopped, and moto has start_time emptied",
        async () => {
          const response = await change(web, "stop", "?wait=true");
          assertEquals(response.status, 200);
          const body = await response.json();
          assertEquals(body.state, "stopped");
          const truth = await ec2.describe(REGION, web);
          assertEquals(truth.state, "stopped");
          assertEquals(truth.tags.start_time, "");
          assertEquals(body.tags, truth.tags);
          // The other tags are untouched, "007" and all.
          assertEquals(truth.tags.agent, "007");
        },
      );

      await t.step("start writes start_time in moto, a time of this start", async () => {
        const before = Date.now();
        const response = await change(web, "start");
        assertEquals(response.status, 204);
        assertEquals(await response.text(), "");
        const after = Date.now();
        const truth = await ec2.describe(REGION, web);
        // moto settles at once (running); EC2 answers pending first.
        assertMatch(truth.state, /^(pending|running)$/);
        const written = Date.parse(truth.tags.start_time);
        assertMatch(truth.tags.start_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert(written >= before - 1 && written <= after, truth.tags.start_time);
      });

      await t.step("start with wait=true answers running with moto's new address", async () => {
        await ec2.call("StopInstances", { InstanceId: [web] }, REGION);
        const response = await change(web, "start", "?wait=true");
        assertEquals(response.status, 200);
        const body = await response.json();
        const truth = await ec2.describe(REGION, web);
        assertEquals([body.state, truth.state], ["running", "running"]);
        assertEquals(body.public_ip_address, truth.public_ip_address);
        assertEquals(body.tags.start_time, truth.tags.start_time);
      });

      await t.step("reboot answers 204 and moves start_time on in moto", async () => {
        const previous = (await ec2.describe(REGION, web)).tags.start_time;
        const before = Date.now();
        const response = await change(web, "reboot");
        assertEquals(response.status, 204);
        await response.body?.cancel();
        const truth = await ec2.describe(REGION, web);
        assertEquals(truth.state, "running");
        assert(Date.parse(truth.tags.start_time) >= before - 1, truth.tags.start_time);
        assert(truth.tags.start_time >= previous);
      });

      await t.step("dry runs answer would_succeed and change nothing in moto", async () => {
        const untouched = await ec2.describe(REGION, web);
        for (const action of ["stop", "reboot", "start"]) {
          const response = await change(web, action, "?dry_run=true");
          assertEquals(response.status, 200, action);
          assertEquals(await response.json(), {
            dry_run: true,
            would_succeed: true,
            action,
            instance_id: web,
          });
        }
        assertEquals(await ec2.describe(REGION, web), untouched);
      });

      await t.step("an unknown instance is 404 to read and to change", async () => {
        const read = await fetch(instance(UNKNOWN_ID), { headers: keyed });
        assertEquals(read.status, 404);
        assertEquals(await errorOf(read), { id: "instance_id", title: "instance_id not found" });
        for (const action of ["start", "stop", "reboot"]) {
          const response = await change(UNKNOWN_ID, action);
          assertEquals(response.status, 404, action);
          assertEquals((await errorOf(response)).id, "instance_id");
        }
      });

      await t.step("a change EC2 refuses for the instance's state or settings is 409", async () => {
        // DisableApiStop: EC2 and moto both answer OperationNotPermitted.
        const response = await change(locked, "stop");
        assertEquals(response.status, 409);
        const error = await errorOf(response);
        assertEquals(error.id, "instance_id");
        assertMatch(error.title, /disableApiStop/);
        assertEquals((await ec2.describe(REGION, locked)).state, "running");
        // Starting a terminated instance: EC2 answers IncorrectInstanceState
        // (409 here); moto starts it (204). The API reference is EC2's side:
        // "You can't start a terminated instance" (API_StartInstances).
        await ec2.call("TerminateInstances", { InstanceId: [db] }, REGION);
        const start = await change(db, "start");
        assert(
          [204, 409].includes(start.status),
          `start of a terminated instance: ${start.status}`,
        );
        await start.body?.cancel();
      });

      await t.step(
        "every key source works against moto; a wrong key is 401",
        async () => {
          const sources: [string, HeadersInit][] = [
            ["header api_key", { api_key: API_KEY }],
            ["header Api-Key", { "Api-Key": API_KEY }],
            ["header X-Api-Key", { "X-Api-Key": API_KEY }],
            ["Authorization: Bearer", { authorization: `Bearer ${API_KEY}` }],
            ["cookie", { cookie: `api_key=${API_KEY}` }],
          ];
          for (const [source, headers] of sources) {
            const response = await fetch(instance(web), { headers });
            assertEquals(response.status, 200, source);
            assertEquals((await response.json()).id, web, source);
          }
          const json = await fetch(`${instance(web)}/reboot`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ api_key: API_KEY }),
          });
          assertEquals(json.status, 204);
          await json.body?.cancel();
          const wrong = await fetch(instance(web), { headers: { "x-api-key": "wrong" } });
          assertEquals(wrong.status, 401);
          await wrong.body?.cancel();
        },
      );

      await t.step(
        "limit and next_token page through moto's MaxResults/NextToken, each instance once",
        async () => {
          const extra = [];
          for (let i = 0; i < 4; i++) {
            extra.push(await ec2.runInstance(REGION, image, { Name: `page-${i}` }));
          }
          const all = [web, db, locked, ...extra].sort();
          for (const limit of [5, 2, 1000]) {
            const seen: string[] = [];
            const sizes: number[] = [];
            let token: string | null = null;
            for (let pages = 0; pages === 0 || token !== null; pages++) {
              assert(pages < 20, `limit=${limit}: the listing never ended`);
              const query: string = token === null ? "" : `&next_token=${token}`;
              const response = await fetch(`${base}/instance/${REGION}?limit=${limit}${query}`, {
                headers: keyed,
              });
              assertEquals(response.status, 200, `limit=${limit}`);
              const body = await response.json();
              seen.push(...body.instances.map(({ id }: { id: string }) => id));
              sizes.push(body.instances.length);
              token = body.next_token;
            }
            assertEquals(seen.sort(), all, `limit=${limit}`);
            assert(sizes.every((size) => size <= limit), `limit=${limit}: ${sizes}`);
            if (limit === 5) assert(sizes.length >= 2, "moto gave no NextToken");
          }
          // A token of this service's form around a NextToken moto never gave.
          const forged = btoa(JSON.stringify([1, "bm90LWEtbW90by10b2tlbg", 0])).replace(/=+$/, "");
          const refused = await fetch(`${base}/instance/${REGION}?limit=5&next_token=${forged}`, {
            headers: keyed,
          });
          // EC2 (and the simulator) refuse it with InvalidParameterValue: 422 next_token. moto
          // fails on it with a server error instead, which the service reports as 503 aws;
          // either way a JSON error, never a page of someone else's listing.
          assert([422, 503].includes(refused.status), `forged token: ${refused.status}`);
          const refusal = await errorOf(refused);
          assertEquals(refusal.id, refused.status === 422 ? "next_token" : "aws");
          for (const id of extra) {
            await ec2.call("TerminateInstances", { InstanceId: [id] }, REGION);
          }
        },
      );

      await t.step("a hold and last_change land in moto's tags, one call each", async () => {
        const held = await fetch(`${instance(locked)}/hold`, {
          method: "POST",
          headers: { ...keyed, "content-type": "application/json" },
          body: JSON.stringify({ hours: 4 }),
        });
        assertEquals(held.status, 200);
        const { hold_until } = await held.json();
        assertEquals((await ec2.describe(REGION, locked)).tags["workwork:hold_until"], hold_until);
        const read = await (await fetch(instance(locked), { headers: keyed })).json();
        assertEquals(read.hold_until, hold_until);
        const released = await fetch(`${instance(locked)}/hold`, {
          method: "DELETE",
          headers: keyed,
        });
        assertEquals(released.status, 204);
        assertEquals("workwork:hold_until" in (await ec2.describe(REGION, locked)).tags, false);
        const rebooted = await change(locked, "reboot");
        assertEquals(rebooted.status, 204);
        const after = await (await fetch(instance(locked), { headers: keyed })).json();
        assertEquals(after.last_change.by, "key default");
        assertEquals(after.last_change.action, "reboot");
        assertMatch(after.tags["workwork:last_change"], / reboot by key default$/);
      });

      await t.step("moto still answers in the recorded shapes of tests/_fixtures.ts", async () => {
        const answers = {
          CreateTags: [
            await ec2.call("CreateTags", {
              ResourceId: [web],
              Tag: [{ Key: "shape", Value: "1" }],
            }, REGION),
            MOTO_CREATE_TAGS,
          ],
          RebootInstances: [
            await ec2.call("RebootInstances", { InstanceId: [web] }, REGION),
            MOTO_REBOOT_INSTANCES,
          ],
          StopInstances: [
            await ec2.call("StopInstances", { InstanceId: [web] }, REGION),
            MOTO_STOP_INSTANCES,
          ],
          StartInstances: [
            await ec2.call("StartInstances", { InstanceId: [web] }, REGION),
            MOTO_START_INSTANCES,
          ],
          DryRun: [
            await ec2.call("StopInstances", { InstanceId: [web], DryRun: true }, REGION),
            MOTO_ERROR_DRY_RUN,
          ],
          NotFound: [
            await ec2.call("StartInstances", { InstanceId: [UNKNOWN_ID] }, REGION),
            MOTO_ERROR_NOT_FOUND,
          ],
        } as const;
        for (const [name, [live, recorded]] of Object.entries(answers)) {
          assertEquals(skeleton(live.text), skeleton(recorded), name);
          assertEquals(live.contentType, "text/xml", name);
        }
        assertEquals(answers.DryRun[0].status, 412);
        assertEquals(answers.NotFound[0].status, 400);
      });
    } finally {
      await server?.stop();
      await moto.stop();
    }
    const log = server!.lines.join("\n");
    assertEquals(log.includes(API_KEY) || log.includes(CREDENTIALS.secretAccessKey), false);
  },
});
