/**
 * Prints a bundle's size, raw and gzipped: a figure, not a verdict. The
 * budget is a test (`tests/e2e/worker_test.ts`), so `deno task build` never
 * prints an alarm of its own.
 *
 * ```sh
 * deno run --allow-read=dist bench/bundle_size.ts dist/worker.js
 * ```
 *
 * Gzip is what Cloudflare counts toward a Worker's size limit and what
 * `wrangler deploy` reports; `CompressionStream` uses the same deflate at its
 * default level. Sizes are in KiB, as wrangler prints them.
 *
 * @module
 */

/** The size of `bytes`, raw and gzipped. */
export async function bundleSize(
  bytes: Uint8Array<ArrayBuffer>,
): Promise<{ raw: number; gzip: number }> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  const gzipped = await new Response(stream).arrayBuffer();
  return { raw: bytes.byteLength, gzip: gzipped.byteLength };
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

if (import.meta.main) {
  const path = Deno.args[0];
  if (!path) {
    console.error("Usage: deno run --allow-read=dist bench/bundle_size.ts dist/worker.js");
    Deno.exit(2);
  }
  const { raw, gzip } = await bundleSize(await Deno.readFile(path));
  console.log(`${path}: ${kib(raw)} raw, ${kib(gzip)} gzipped (${raw} and ${gzip} bytes)`);
}
