/**
 * The browser the dashboard's browser test and `docs/screenshots.ts` drive:
 * Debian's Chromium (`.ci/setup.d/chromium.sh` installs it), headless.
 *
 * @module
 */

/** Where Debian puts Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Headless, no sandbox (CI runs as root), nothing fetched in the background. */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
];
