/**
 * The dependency rule (docs/architecture.md), read from the imports: each
 * layer of src/ imports only the layers below it, only src/platform/ (the
 * composition root) imports the simulator, and only the platform adapters
 * touch `Deno.*`.
 */
import { assert, assertEquals } from "@std/assert";

/** What each folder of src/ may import, besides itself and npm packages. */
export const ALLOWED_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  // net: what every outbound client shares (fetch's shape, deadline, backoff, attempt loop);
  // the bottom layer, so that aws and cloudflare share it without importing each other.
  net: [],
  aws: ["net"],
  cloudflare: ["net"],
  simulator: ["aws"],
  domain: ["aws", "cloudflare"],
  config: ["domain", "aws"],
  http: ["config", "domain", "aws", "cloudflare"],
  platform: ["http", "config", "domain", "aws", "cloudflare", "simulator"],
};
/** The packages a layer may name; `hono` only where HTTP is spoken. */
const PACKAGES_OF: Readonly<Record<string, readonly string[]>> = {
  // @noble/hashes: the signer's synchronous HMAC (see src/aws/signer.ts).
  aws: ["aws4fetch", "fast-xml-parser", "@noble"],
  cloudflare: [],
  net: [],
  simulator: ["hono", "fast-xml-parser"],
  domain: [],
  config: [],
  http: ["hono"],
  platform: ["hono"],
};

const canRead = (await Deno.permissions.query({ name: "read", path: "src" })).state === "granted";

/** Every `import … from` and `export … from` specifier of a file, and dynamic imports. */
export function importsOf(text: string): string[] {
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm)]
    .map((m) => m[1]);
  specifiers.push(...[...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]));
  return specifiers;
}

async function filesUnder(folder: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(folder)) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) files.push(...await filesUnder(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files.sort();
}

/** The layer of a path under src/: its first folder. */
function layerOf(path: string): string {
  return path.split("/")[1];
}

/** `from` resolved against the file's folder, as a path from the repository root. */
function resolve(file: string, specifier: string): string {
  const parts = file.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  return parts.join("/");
}

/** The rule broken by each import of `file`, if any. */
export function brokenImports(file: string, text: string): string[] {
  const layer = layerOf(file);
  const broken: string[] = [];
  for (const specifier of importsOf(text)) {
    if (specifier.startsWith(".")) {
      const target = resolve(file, specifier);
      if (!target.startsWith("src/")) {
        broken.push(`${file} imports ${specifier}, outside src/`);
        continue;
      }
      const to = layerOf(target);
      if (to !== layer && !ALLOWED_IMPORTS[layer]?.includes(to)) {
        broken.push(`${file} (${layer}) imports ${specifier} (${to})`);
      }
    } else {
      const name = specifier.split("/")[0].replace(/^npm:/, "");
      if (!PACKAGES_OF[layer]?.includes(name)) {
        broken.push(`${file} (${layer}) imports the package ${specifier}`);
      }
    }
  }
  return broken;
}

Deno.test("the rule itself: a domain module importing http, or hono, is caught", () => {
  assertEquals(brokenImports("src/domain/x.ts", 'import { a } from "../http/app.ts";'), [
    "src/domain/x.ts (domain) imports ../http/app.ts (http)",
  ]);
  assertEquals(brokenImports("src/domain/x.ts", 'import type { C } from "hono";').length, 1);
  assertEquals(brokenImports("src/aws/x.ts", 'export { b } from "../domain/y.ts";').length, 1);
  assertEquals(brokenImports("src/http/x.ts", 'const m = await import("../simulator/ec2.ts");'), [
    "src/http/x.ts (http) imports ../simulator/ec2.ts (simulator)",
  ]);
  assertEquals(brokenImports("src/http/x.ts", 'import { c } from "../domain/y.ts";'), []);
});

Deno.test({
  name: "src/ keeps the dependency rule: arrows point down, the simulator only from platform",
  ignore: !canRead,
  async fn() {
    const files = await filesUnder("src");
    const layers = new Set(files.map(layerOf));
    assertEquals([...layers].sort(), Object.keys(ALLOWED_IMPORTS).sort());
    const broken: string[] = [];
    for (const file of files) broken.push(...brokenImports(file, await Deno.readTextFile(file)));
    assertEquals(broken, []);
  },
});

Deno.test({
  name: "only main.ts and src/platform/'s Deno adapters touch Deno.*",
  ignore: !canRead,
  async fn() {
    const touching: string[] = [];
    for (const file of await filesUnder("src")) {
      const code = (await Deno.readTextFile(file))
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "");
      if (/\bDeno\./.test(code)) touching.push(file);
    }
    assert(
      touching.every((file) => /^src\/platform\/deno[a-z_]*\.ts$/.test(file)),
      `Deno.* outside the Deno adapters: ${touching.join(", ")}`,
    );
  },
});
