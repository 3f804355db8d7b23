/**
 * The Deno side of the credential chain: files and processes through Deno's
 * APIs, with messages that name the permission to grant.
 */
import { assertEquals, assertRejects } from "@std/assert";
import { denoCredentialHost } from "../../src/platform/deno_credentials.ts";

const host = denoCredentialHost({});
const mayReadHere = (await Deno.permissions.query({ name: "read", path: "." })).state === "granted";
const mayReadEtc =
  (await Deno.permissions.query({ name: "read", path: "/etc/hostname" })).state === "granted";
const mayRunDeno =
  (await Deno.permissions.query({ name: "run", command: "deno" })).state === "granted";
const mayRunAny = (await Deno.permissions.query({ name: "run" })).state === "granted";

Deno.test({
  name: "a file that does not exist reads as null, one that does as its text",
  ignore: !mayReadHere,
  async fn() {
    assertEquals(await host.readFile!("./no-such-credentials-file"), null);
    assertEquals((await host.readFile!("./deno.json"))?.includes('"tasks"'), true);
  },
});

Deno.test({
  name: "a file outside --allow-read fails saying to add it to --allow-read",
  ignore: mayReadEtc,
  async fn() {
    await assertRejects(
      () => host.readFile!("/etc/hostname"),
      Error,
      "read access is not granted: add the path to --allow-read",
    );
  },
});

Deno.test({
  name: "credential_process runs a granted program without a shell and gives its output",
  ignore: !mayRunDeno,
  async fn() {
    const result = await host.runProcess!([
      "deno",
      "eval",
      "console.log(Deno.args.length)",
      "a b",
      "c",
    ]);
    assertEquals(result, { success: true, stdout: "2\n" });
  },
});

Deno.test({
  name: "a program outside --allow-run fails naming the flag that grants it",
  ignore: mayRunAny,
  async fn() {
    await assertRejects(
      () => host.runProcess!(["sh", "-c", "echo {}"]),
      Error,
      "run access is not granted: start with --allow-run=sh",
    );
  },
});
