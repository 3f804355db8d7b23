/**
 * The README stays short enough to read in five minutes, and the docs stay
 * connected: every relative link of README.md and docs/*.md reaches a file
 * (and a heading, when it names one), and every repository path they name
 * exists.
 */
import { assert, assertEquals } from "@std/assert";

const canRead = (await Deno.permissions.query({ name: "read", path: "." })).state === "granted";

/** The README's length limit (issue 14). */
const README_MAX_LINES = 250;

/** Folders of this repository that the docs name paths in. */
const PATH_ROOTS = ["src", "tests", "bench", "scripts", "docs", ".ci"];

async function markdownFiles(): Promise<string[]> {
  const files = ["README.md"];
  for await (const entry of Deno.readDir("docs")) {
    if (entry.isFile && entry.name.endsWith(".md")) files.push(`docs/${entry.name}`);
  }
  return files.sort();
}

/** The text outside fenced code blocks, line by line (fenced lines become empty). */
export function proseLines(text: string): string[] {
  let fenced = false;
  return text.split("\n").map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return "";
    }
    return fenced ? "" : line;
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors a markdown text's headings get, duplicates numbered as GitHub numbers them. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(text)) {
    const heading = line.match(/^#{1,6}\s+(.*?)\s*#*\s*$/)?.[1];
    if (heading === undefined) continue;
    const slug = slugOf(heading);
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}

/** Link targets of a markdown text that are not absolute URLs: `[text](target)` and `src="…"`. */
export function relativeLinksOf(text: string): string[] {
  const prose = proseLines(text).join("\n").replace(/`[^`\n]*`/g, "");
  const targets = [
    ...[...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
    ...[...prose.matchAll(/\bsrc="([^"]+)"/g)].map((m) => m[1]),
  ];
  return targets.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** Paths into this repository that a text names, such as `src/http/app.ts` or tests/aws/. */
export function repositoryPathsOf(text: string): string[] {
  const roots = PATH_ROOTS.map((root) => root.replace(".", "\\.")).join("|");
  const pattern = new RegExp(`(?<![\\w/.:~$-])(?:${roots})/[\\w./-]*`, "g");
  const paths = new Set<string>();
  for (const line of text.split("\n")) {
    for (const match of line.matchAll(pattern)) {
      const rest = line.slice((match.index ?? 0) + match[0].length);
      // A pattern or a placeholder (`_ec2_*.ts`, `tests/<layer>/`) names no one file.
      if (/^[*<{…]/.test(rest)) continue;
      const path = match[0].replace(/[.]+$/, "");
      if (path.endsWith("/") || /\.\w+$/.test(path)) paths.add(path);
    }
  }
  return [...paths];
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

function resolveFrom(file: string, target: string): string {
  const parts = file.split("/").slice(0, -1);
  for (const part of target.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  return parts.join("/");
}

Deno.test("slugs and links are read as GitHub reads them", () => {
  assertEquals(slugOf("Scoped keys (`API_KEYS`)"), "scoped-keys-api_keys");
  assertEquals(slugOf("OpenAPI and /docs"), "openapi-and-docs");
  assertEquals(slugOf("Deno: `deno task start`"), "deno-deno-task-start");
  assertEquals([...anchorsOf("# A\n## B\n```\n# not a heading\n```\n## B\n")], ["a", "b", "b-1"]);
  assertEquals(
    relativeLinksOf('[a](docs/x.md#y) [b](https://e.com) `[c](z.md)` <img src="p.png">'),
    ["docs/x.md#y", "p.png"],
  );
  assertEquals(
    repositoryPathsOf("see `src/http/app.ts`, tests/aws/, `_ec2_*.ts`, src/simulator/_ec2_*.ts."),
    ["src/http/app.ts", "tests/aws/"],
  );
});

Deno.test({
  name: `the README is at most ${README_MAX_LINES} lines`,
  ignore: !canRead,
  async fn() {
    const lines = (await Deno.readTextFile("README.md")).trimEnd().split("\n").length;
    assert(lines <= README_MAX_LINES, `README.md has ${lines} lines, over ${README_MAX_LINES}`);
  },
});

Deno.test({
  name: "every relative link of the README and docs/ reaches its file and heading",
  ignore: !canRead,
  async fn() {
    const broken: string[] = [];
    const anchorCache = new Map<string, Set<string>>();
    for (const file of await markdownFiles()) {
      const text = await Deno.readTextFile(file);
      anchorCache.set(file, anchorsOf(text));
      for (const link of relativeLinksOf(text)) {
        const [target, anchor] = link.split("#", 2);
        const path = target === "" ? file : resolveFrom(file, target);
        if (!await exists(path)) {
          broken.push(`${file}: ${link} (no ${path})`);
          continue;
        }
        if (!anchor || !path.endsWith(".md")) continue;
        if (!anchorCache.has(path)) anchorCache.set(path, anchorsOf(await Deno.readTextFile(path)));
        if (!anchorCache.get(path)!.has(anchor)) broken.push(`${file}: ${link} (no heading)`);
      }
    }
    assertEquals(broken, []);
  },
});

Deno.test({
  name: "every repository path the README and docs/ name exists",
  ignore: !canRead,
  async fn() {
    const missing: string[] = [];
    for (const file of await markdownFiles()) {
      for (const path of repositoryPathsOf(await Deno.readTextFile(file))) {
        if (!await exists(path)) missing.push(`${file}: ${path}`);
      }
    }
    assertEquals(missing, []);
  },
});
