/**
 * What a phone needs to put the dashboard on its home screen: the web app
 * manifest and the icon, served by the dashboard's routes without a key
 * (they say nothing about the account).
 *
 * The icon is one SVG, drawn full-bleed with the glyph inside the central
 * 80 % circle, so it serves as both an `any` and a `maskable` icon. Chromium
 * (Android) installs from it; iOS, which takes no SVG home-screen icon, uses
 * a screenshot of the page instead (docs/dashboard.md).
 *
 * @module
 */

/** Where the manifest is served. */
export const MANIFEST_PATH = "/manifest.webmanifest";
/** Where the icon is served. */
export const ICON_SVG_PATH = "/icon.svg";
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
  icons: [
    { src: ICON_SVG_PATH, sizes: "any", type: "image/svg+xml", purpose: "any" },
    { src: ICON_SVG_PATH, sizes: "any", type: "image/svg+xml", purpose: "maskable" },
  ],
} as const;
