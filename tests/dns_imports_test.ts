/**
 * The DNS modules keep the layers' arrows: the clients import nothing of ours
 * outside their folder, the rules only the clients, and nothing in src/
 * outside src/simulator/ imports from it (the EC2 simulator, still in
 * src/ec2/, moves there with issue 14).
 */
import { assertEquals } from "@std/assert";

const canRead = (await Deno.permissions.query({ name: "read", path: "src" })).state === "granted";

async function importsOf(path: string): Promise<string[]> {
  const text = await Deno.readTextFile(path);
  return [...text.matchAll(/^(?:import|export)[^;]*? from "([^"]+)";/gms)].map((m) => m[1]);
}

async function filesUnder(folder: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(folder)) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) files.push(...await filesUnder(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

Deno.test({
  name: "the DNS modules import only downwards",
  ignore: !canRead,
  async fn() {
    const rules: [string, (specifier: string) => boolean][] = [
      ["src/aws/route53.ts", (s) => !s.startsWith(".") || s.startsWith("./")],
      ["src/aws/_route53_xml.ts", (s) => !s.startsWith(".") || s.startsWith("./")],
      ["src/cloudflare/dns.ts", (s) => !s.startsWith(".")],
      ["src/simulator/route53.ts", (s) => !s.startsWith(".") || s.startsWith("./_route53")],
      ["src/simulator/_route53_wire.ts", (s) => !s.startsWith(".")],
      ["src/simulator/cloudflare_dns.ts", (s) => !s.startsWith(".")],
      ...["dns.ts", "_dns_names.ts", "_dns_provider.ts", "_dns_route53.ts", "_dns_cloudflare.ts"]
        .map((name): [string, (s: string) => boolean] => [
          `src/domain/${name}`,
          (s) => s.startsWith("./") || s.startsWith("../aws/") || s.startsWith("../cloudflare/"),
        ]),
    ];
    const broken: string[] = [];
    for (const [file, allowed] of rules) {
      for (const specifier of await importsOf(file)) {
        if (!allowed(specifier)) broken.push(`${file} imports ${specifier}`);
      }
    }
    for (const file of await filesUnder("src")) {
      if (file.startsWith("src/simulator/")) continue;
      for (const specifier of await importsOf(file)) {
        if (specifier.includes("simulator/")) broken.push(`${file} imports ${specifier}`);
      }
    }
    assertEquals(broken, []);
  },
});
