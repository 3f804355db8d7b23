/**
 * What a phone needs to put the dashboard on its home screen: the web app
 * manifest and the icon, served by the dashboard's routes without a key
 * (they say nothing about the account).
 *
 * The icon is drawn full-bleed with the glyph inside the central 80 % circle,
 * so each one serves as both an `any` and a `maskable` icon: an SVG, and PNGs
 * of 192 and 512 px drawn from the same geometry (`icon_png.ts`), which iOS
 * needs for its home screen (`apple-touch-icon`).
 *
 * @module
 */

/** Where the manifest is served. */
export const MANIFEST_PATH = "/manifest.webmanifest";
/** Where the icon is served. */
export const ICON_SVG_PATH = "/icon.svg";
/** Where the icon of `size` px is served as PNG. */
export function iconPngPath(size: number): string {
  return `/icon-${size}.png`;
}
/** The PNG sizes served: Chromium's two for installing; iOS takes the smaller. */
export const ICON_PNG_SIZES: readonly number[] = [192, 512];
/** The manifest's and the page's colours: the browser's chrome, light and dark, and the splash. */
export const THEME_COLORS = { light: "#0969da", dark: "#0d1117", background: "#f3f4f6" } as const;

/** The icon: a power symbol on the theme's blue. */
export const ICON_SVG =
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" fill="${THEME_COLORS.light}"/><g fill="none" stroke="#fff" stroke-width="44" stroke-linecap="round"><path d="M180 170a120 120 0 1 0 152 0"/><path d="M256 120v130"/></g></svg>`;

/** The web app manifest: opens `/` standalone, in the theme's colours. */
export const MANIFEST = {
  name: "workwork",
  short_name: "workwork",
  description: "Start, stop and reboot your EC2 machines",
  id: "/",
  start_url: "/",
  scope: "/",
  display: "standalone",
  background_color: THEME_COLORS.background,
  theme_color: THEME_COLORS.light,
  icons: ["any", "maskable"].flatMap((purpose) => [
    { src: ICON_SVG_PATH, sizes: "any", type: "image/svg+xml", purpose },
    ...ICON_PNG_SIZES.map((size) => ({
      src: iconPngPath(size),
      sizes: `${size}x${size}`,
      type: "image/png",
      purpose,
    })),
  ]),
};
