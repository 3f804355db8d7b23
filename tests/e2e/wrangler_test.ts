/**
 * wrangler itself checks `wrangler.toml` and the bundle: `wrangler deploy
 * --dry-run` runs the `[build]` command (`deno task build`) and prepares the
 * upload without sending it. Run with the wrangler `docs/deploy.md` names, on
 * Node 22: `.ci/setup.d/wrangler.sh` installs both and exports `WRANGLER`.
 *
 * Without `WRANGLER` the test is skipped with a message, except in CI
 * (`CI=true`), where it fails: a deploy config nobody checked must not pass.
 *
 * @module
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";

const wrangler = Deno.env.get("WRANGLER");
const inCi = Deno.env.get("CI") === "true";
const skipped = wrangler || inCi ? null : "WRANGLER is not set (.ci/setup.d/wrangler.sh sets it)";
if (skipped) console.warn(`wrangler_test.ts skipped: ${skipped}`);

/** The wrangler version docs/deploy.md tells people to use. */
async function documentedVersion(): Promise<string> {
  const docs = await Deno.readTextFile("docs/deploy.md");
  const version = docs.match(/wrangler@(\d+\.\d+\.\d+)/)?.[1];
  assert(version, "docs/deploy.md names no wrangler@x.y.z");
  return version;
}

Deno.test({
  name:
    "wrangler deploy --dry-run accepts wrangler.toml and uploads the bundle as deno task build made it",
  ignore: skipped !== null,
  async fn() {
    assert(wrangler, "CI=true but WRANGLER is not set: .ci/setup.d/wrangler.sh installs wrangler");
    const version = await documentedVersion();
    const setup = await Deno.readTextFile(".ci/setup.d/wrangler.sh");
    assertStringIncludes(setup, `WRANGLER_VERSION="${version}"`);
    const outdir = await Deno.makeTempDir({ prefix: "workwork-wrangler-" });
    try {
      const bin = wrangler.slice(0, wrangler.lastIndexOf("/"));
      const { success, stdout, stderr } = await new Deno.Command(wrangler, {
        args: ["deploy", "--dry-run", "--outdir", outdir],
        env: {
          PATH: `${bin}:${Deno.env.get("PATH") ?? ""}`,
          CI: "true",
          NO_COLOR: "1",
          WRANGLER_SEND_METRICS: "false",
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
      assert(success, output);
      assertStringIncludes(output, `wrangler ${version}`);
      assertStringIncludes(output, "[custom build] Running: deno task build");
      assertStringIncludes(output, "Total Upload:");
      assertStringIncludes(output, "--dry-run: exiting now.");
      // no_bundle: wrangler uploads the file deno task build wrote, byte for byte.
      const uploaded = await Deno.readFile(`${outdir}/worker.js`);
      const built = await Deno.readFile("dist/worker.js");
      assertEquals(uploaded.byteLength, built.byteLength);
      assertEquals(uploaded, built);
      const modules = [...Deno.readDirSync(outdir)].map(({ name }) => name).filter((name) =>
        name.endsWith(".js")
      );
      assertEquals(modules, ["worker.js"]);
    } finally {
      await Deno.remove(outdir, { recursive: true });
    }
  },
});
