import { assert, assertEquals } from "@std/assert";
import { crc32, iconPng } from "../../../src/http/dashboard/icon_png.ts";
import { THEME_COLORS } from "../../../src/http/dashboard/manifest.ts";

interface Chunk {
  type: string;
  data: Uint8Array<ArrayBuffer>;
}

/** The PNG's chunks, each CRC checked. */
function chunksOf(png: Uint8Array<ArrayBuffer>): Chunk[] {
  assertEquals([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  for (let offset = 8; offset < png.length;) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = view.getUint32(offset + 8 + length);
    assertEquals(crc, crc32(png.subarray(offset + 4, offset + 8 + length)), `${type}'s CRC`);
    chunks.push({ type, data });
    offset += 12 + length;
  }
  return chunks;
}

Deno.test("crc32 gives the check value of CRC-32", () => {
  assertEquals(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

for (const size of [192, 512]) {
  Deno.test(`the ${size} px icon is a valid PNG: the glyph white on the theme's blue`, async () => {
    const png = await iconPng(size);
    const chunks = chunksOf(png);
    assertEquals(chunks.map(({ type }) => type), ["IHDR", "PLTE", "IDAT", "IEND"]);
    const header = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset, 13);
    assertEquals([header.getUint32(0), header.getUint32(4)], [size, size]);
    assertEquals([...chunks[0].data.subarray(8)], [8, 3, 0, 0, 0]);
    const palette = chunks[1].data;
    const color = (index: number) =>
      "#" + [...palette.subarray(index * 3, index * 3 + 3)]
        .map((v) => v.toString(16).padStart(2, "0")).join("");
    const raw = new Uint8Array(
      await new Response(
        new Blob([chunks[2].data]).stream().pipeThrough(new DecompressionStream("deflate")),
      ).arrayBuffer(),
    );
    assertEquals(raw.length, size * (size + 1));
    const pixel = (x: number, y: number) => {
      assertEquals(raw[y * (size + 1)], 0, "filter type none");
      return color(raw[y * (size + 1) + 1 + x]);
    };
    const at = (units: number) => Math.floor(units / 512 * size);
    assertEquals(pixel(0, 0), THEME_COLORS.light, "a corner");
    assertEquals(pixel(at(256), at(180)), "#ffffff", "the bar");
    assertEquals(pixel(at(256), at(383)), "#ffffff", "the bottom of the ring");
    assertEquals(pixel(at(256), at(300)), THEME_COLORS.light, "inside the ring");
    assertEquals(pixel(at(256), at(80)), THEME_COLORS.light, "above the bar");
    // The edges are anti-aliased: some pixels are neither colour.
    const indexes = new Set(raw);
    assert(indexes.size > 10, `${indexes.size} colours`);
    assert(png.length < 8 * 1024, `${png.length} bytes`);
  });
}
