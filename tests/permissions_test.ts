/**
 * The least-privilege commands grant every variable the service reads: a
 * variable missing from `--allow-env` stops the server at start-up.
 */
import { assertEquals } from "@std/assert";
import denoConfig from "../deno.json" with { type: "json" };
import { DENO_VARIABLES } from "../main.ts";
import { CONFIG_VARIABLES } from "../src/config/settings.ts";

const READ = [...CONFIG_VARIABLES, ...DENO_VARIABLES].sort();

function allowedEnv(command: string): string[] {
  return (command.match(/--allow-env=(\S+)/)?.[1] ?? "").split(",").sort();
}

Deno.test("deno task start may read exactly the variables main.ts and the service read", () => {
  assertEquals(allowedEnv(denoConfig.tasks.start.command), READ);
});

function permissionFlags(command: string): string[] {
  return command.split(" ").filter((word) => word.startsWith("--allow")).sort();
}

Deno.test("deno task compile bakes in the start task's permissions, no more", () => {
  const command = denoConfig.tasks.compile.command;
  assertEquals(allowedEnv(command), READ);
  assertEquals(permissionFlags(command), permissionFlags(denoConfig.tasks.start.command));
});

Deno.test("deno.json's deploy key starts main.ts on Deno Deploy", () => {
  assertEquals(denoConfig.deploy.runtime, { mode: "dynamic", entrypoint: "main.ts" });
});

Deno.test({
  name: "docs/deploy.md's least-privilege Deno Deploy command grants the same variables",
  ignore: (await Deno.permissions.query({ name: "read", path: "docs/deploy.md" })).state !==
    "granted",
  async fn() {
    const deploy = await Deno.readTextFile("docs/deploy.md");
    const command = deploy.match(/DENO_DEPLOY=true DENO_DEPLOYMENT_ID=local deno run [^`]*main\.ts/)
      ?.[0];
    assertEquals(allowedEnv(command ?? ""), READ);
  },
});
