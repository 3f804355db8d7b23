/**
 * The dashboard's icon as PNG, drawn at run time: the power symbol of
 * `ICON_SVG`, rasterised from the same geometry with one-sample
 * anti-aliasing (coverage from the signed distance to the glyph's edge), as
 * an 8-bit palette image compressed with the platform's own
 * `CompressionStream`. No file, no dependency, nothing binary in the
 * bundle; each size is drawn once per process (a few milliseconds) and kept.
 *
 * @module
 */
import { THEME_COLORS } from "./manifest.ts";

/** The glyph, in the SVG's 512-unit square: ring centre, radius, stroke half-width, bar, gap ends. */
const VIEW = 512;
const HALF_STROKE = 22;
const RADIUS = 120;
const CENTER = { x: 256, y: 170 + Math.sqrt(RADIUS ** 2 - 76 ** 2) };
const GAP_ENDS = [{ x: 180, y: 170 }, { x: 332, y: 170 }];
const BAR = { x: 256, top: 120, bottom: 250 };
const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

const drawn = new Map<number, Promise<Uint8Array<ArrayBuffer>>>();

/** The icon as a `size` × `size` PNG. */
export function iconPng(size: number): Promise<Uint8Array<ArrayBuffer>> {
  let png = drawn.get(size);
  if (!png) {
    png = encodePng(size, glyphCoverage(size));
    drawn.set(size, png);
  }
  return png;
}

/** The gap's ends relative to the centre, and the ends themselves. */
const [A, B] = GAP_ENDS.map((end) => ({ x: end.x - CENTER.x, y: end.y - CENTER.y }));
const [E1, E2] = GAP_ENDS;

/** Distance from (x, y), in view units, to the glyph's edge: negative inside. */
function glyphDistance(x: number, y: number): number {
  const vx = x - CENTER.x;
  const vy = y - CENTER.y;
  // Inside the gap's wedge (between the arc's two ends, over the top) only the round caps count.
  const inGap = A.x * vy - A.y * vx >= 0 && vx * B.y - vy * B.x >= 0;
  const arc = inGap
    ? Math.sqrt(Math.min((x - E1.x) ** 2 + (y - E1.y) ** 2, (x - E2.x) ** 2 + (y - E2.y) ** 2)) -
      HALF_STROKE
    : Math.abs(Math.sqrt(vx * vx + vy * vy) - RADIUS) - HALF_STROKE;
  const along = y < BAR.top ? BAR.top : y > BAR.bottom ? BAR.bottom : y;
  const bar = Math.sqrt((x - BAR.x) ** 2 + (y - along) ** 2) - HALF_STROKE;
  return arc < bar ? arc : bar;
}

/** One byte per pixel, row by row: 0 the background, 255 the glyph, between them its edge. */
function glyphCoverage(size: number): Uint8Array {
  const scale = VIEW / size;
  const pixels = new Uint8Array(size * size);
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      const distance = glyphDistance((column + 0.5) * scale, (row + 0.5) * scale) / scale;
      const coverage = Math.min(Math.max(0.5 - distance, 0), 1);
      pixels[row * size + column] = Math.round(coverage * 255);
    }
  }
  return pixels;
}

/** The 256 colours from the theme's blue (0) to white (255). */
function palette(): Uint8Array {
  const hex = THEME_COLORS.light;
  const blue = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const colors = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    for (let channel = 0; channel < 3; channel++) {
      colors[i * 3 + channel] = Math.round(blue[channel] + (255 - blue[channel]) * i / 255);
    }
  }
  return colors;
}

async function encodePng(size: number, pixels: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  // Each row starts with its filter type, 0 (none).
  const raw = new Uint8Array(size * (size + 1));
  for (let row = 0; row < size; row++) {
    raw.set(pixels.subarray(row * size, (row + 1) * size), row * (size + 1) + 1);
  }
  const zlib = new Uint8Array(
    await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream("deflate")))
      .arrayBuffer(),
  );
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, size);
  view.setUint32(4, size);
  header.set([8, 3, 0, 0, 0], 8); // 8 bits, palette, deflate, no filter choice, no interlace
  const chunks = [chunk("IHDR", header), chunk("PLTE", palette()), chunk("IDAT", zlib)];
  chunks.push(chunk("IEND", new Uint8Array(0)));
  const png = new Uint8Array(8 + chunks.reduce((sum, part) => sum + part.length, 0));
  png.set(PNG_SIGNATURE);
  let offset = 8;
  for (const part of chunks) {
    png.set(part, offset);
    offset += part.length;
  }
  return png;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(12 + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) bytes[4 + i] = type.charCodeAt(i);
  bytes.set(data, 8);
  view.setUint32(8 + data.length, crc32(bytes.subarray(4, 8 + data.length)));
  return bytes;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 as PNG (and zip) use it. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
