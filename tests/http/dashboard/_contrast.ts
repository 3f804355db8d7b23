/**
 * WCAG 2 contrast of the dashboard's colours, read from its style sheet:
 * each pair the page paints, in light and in dark. Run it to print the table
 * docs/dashboard.md quotes:
 *
 *   deno run tests/_contrast.ts
 */
import { DASHBOARD_STYLE } from "../../../src/http/dashboard/style.ts";

/** A pair of colours the page puts next to each other, and the ratio it needs. */
export interface ColorPair {
  /** Where the page shows it. */
  what: string;
  /** The foreground: a custom property's name (`--text`) or a colour (`#fff`). */
  front: string;
  back: string;
  /** 4.5 for text, 3 for a control's boundary or the focus ring (WCAG 1.4.3, 1.4.11). */
  needs: 4.5 | 3;
}

/** Every pair, light and dark alike. */
export const PAIRS: readonly ColorPair[] = [
  { what: "text on the page", front: "--text", back: "--bg", needs: 4.5 },
  { what: "text on a card", front: "--text", back: "--card", needs: 4.5 },
  { what: "muted text on the page (region names)", front: "--muted", back: "--bg", needs: 4.5 },
  { what: "muted text on a card (labels, messages)", front: "--muted", back: "--card", needs: 4.5 },
  { what: "link on the top bar", front: "--accent", back: "--card", needs: 4.5 },
  { what: "running badge", front: "--ok", back: "--card", needs: 4.5 },
  { what: "pending/stopping badge", front: "--warn", back: "--card", needs: 4.5 },
  { what: "stopped badge", front: "--off", back: "--card", needs: 4.5 },
  { what: "error text, Stop button", front: "--bad", back: "--card", needs: 4.5 },
  { what: "Sign in button", front: "#fff", back: "--primary", needs: 4.5 },
  { what: "Start button", front: "#fff", back: "--go", needs: 4.5 },
  { what: "button and key field border on a card", front: "--control", back: "--card", needs: 3 },
  { what: "key field border on its fill", front: "--control", back: "--bg", needs: 3 },
  { what: "focus ring on a card", front: "--accent", back: "--card", needs: 3 },
  { what: "focus ring on the page", front: "--accent", back: "--bg", needs: 3 },
];

/** The custom properties of `:root`, light, and as the dark scheme sets them. */
export function palettes(
  css = DASHBOARD_STYLE,
): { light: Map<string, string>; dark: Map<string, string> } {
  const read = (block: string) =>
    new Map([...block.matchAll(/(--[a-z-]+):(#[0-9a-f]{3,6})/gi)].map((m) => [m[1], m[2]]));
  const light = read(css.match(/^:root\{([^}]*)\}/m)![1]);
  const darkBlock = css.match(/prefers-color-scheme:dark\)\{:root\{([^}]*)\}/)![1];
  return { light, dark: new Map([...light, ...read(darkBlock)]) };
}

function luminance(hex: string): number {
  const digits = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d).join("") : hex.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16) / 255)
    .map((v) => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG contrast ratio of two `#rrggbb` (or `#rgb`) colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** Each pair's ratio in one scheme's palette. */
export function ratios(palette: Map<string, string>): { pair: ColorPair; ratio: number }[] {
  const color = (name: string) => {
    const value = name.startsWith("--") ? palette.get(name) : name;
    if (!value) throw new Error(`The style sheet sets no "${name}"`);
    return value;
  };
  return PAIRS.map((pair) => ({ pair, ratio: contrastRatio(color(pair.front), color(pair.back)) }));
}

if (import.meta.main) {
  const { light, dark } = palettes();
  const [lightRatios, darkRatios] = [ratios(light), ratios(dark)];
  console.log("| pair | needs | light | dark |\n| --- | --- | --- | --- |");
  lightRatios.forEach(({ pair, ratio }, i) => {
    console.log(
      `| ${pair.what} | ${pair.needs}:1 | ${ratio.toFixed(2)}:1 | ${
        darkRatios[i].ratio.toFixed(2)
      }:1 |`,
    );
  });
}
