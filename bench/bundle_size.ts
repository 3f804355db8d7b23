/**
 * Prints a bundle's size, raw and gzipped, against the Workers budget.
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

/** The service's budget for the gzipped bundle, in bytes. */
export const GZIP_BUDGET_BYTES = 45 * 1024;

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
  const verdict = gzip <= GZIP_BUDGET_BYTES
    ? `within the ${kib(GZIP_BUDGET_BYTES)} budget`
    : `OVER the ${kib(GZIP_BUDGET_BYTES)} budget by ${kib(gzip - GZIP_BUDGET_BYTES)}`;
  console.log(
    `${path}: ${kib(raw)} raw, ${kib(gzip)} gzipped (${raw} and ${gzip} bytes), ${verdict}`,
  );
}
