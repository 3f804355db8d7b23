/**
 * Deno sets up every npm package of the lock when any command starts
 * (denoland/deno#21261), so what the root lock holds is what a fresh
 * `deno task start` downloads. It must hold the service's own packages only;
 * the end-to-end tooling lives in tests/e2e/deno.lock.
 */
import { assertEquals } from "@std/assert";
import denoConfig from "../deno.json" with { type: "json" };

/** The `npm:` packages an import map names, as `name@version`. */
function npmPackages(imports: Record<string, string>): string[] {
  return [
    ...new Set(
      Object.values(imports).filter((target) => target.startsWith("npm:")).map((target) =>
        target.replace(/^npm:\/?/, "").replace(/\/$/, "")
      ),
    ),
  ].sort();
}

Deno.test({
  name: "the root lock holds only the packages the service imports, no end-to-end tooling",
  ignore: (await Deno.permissions.query({ name: "read", path: "deno.lock" })).state !== "granted",
  async fn() {
    const lock = JSON.parse(await Deno.readTextFile("deno.lock"));
    const locked = Object.keys(lock.specifiers).map((specifier) => specifier.slice("npm:".length));
    assertEquals(locked.sort(), npmPackages(denoConfig.imports));
    const tooling = Object.keys(lock.npm).filter((name) =>
      /^(miniflare|workerd|@cloudflare\/|playwright|sharp|@img\/)/.test(name)
    );
    assertEquals(tooling, []);
  },
});

Deno.test({
  name: "the end-to-end suite locks its tooling in tests/e2e/deno.lock",
  ignore: (await Deno.permissions.query({ name: "read", path: "tests/e2e" })).state !== "granted",
  async fn() {
    const e2e = JSON.parse(await Deno.readTextFile("tests/e2e/deno.json"));
    const lock = JSON.parse(await Deno.readTextFile("tests/e2e/deno.lock"));
    const locked = Object.keys(lock.specifiers).map((specifier) => specifier.slice("npm:".length));
    assertEquals(locked.sort(), npmPackages(e2e.imports));
    for (const name of ["miniflare", "workerd", "playwright-core"]) {
      assertEquals(locked.some((entry) => entry.startsWith(`${name}@`)), true, name);
    }
  },
});
