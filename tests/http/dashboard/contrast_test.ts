import { assert, assertEquals } from "@std/assert";
import { contrastRatio, palettes, ratios } from "./_contrast.ts";

Deno.test("the contrast ratio follows WCAG's formula", () => {
  assertEquals(contrastRatio("#000000", "#ffffff"), 21);
  assertEquals(contrastRatio("#777", "#777"), 1);
  // WebAIM's checker: #767676 on white is 4.54:1, the lightest grey that passes AA.
  assertEquals(contrastRatio("#767676", "#fff").toFixed(2), "4.54");
});

for (const scheme of ["light", "dark"] as const) {
  Deno.test(`every colour pair of the dashboard meets WCAG AA in ${scheme} mode`, () => {
    const failing = ratios(palettes()[scheme])
      .filter(({ pair, ratio }) => ratio < pair.needs)
      .map(({ pair, ratio }) => `${pair.what}: ${ratio.toFixed(2)}:1, needs ${pair.needs}:1`);
    assertEquals(failing, []);
  });
}

Deno.test("the dark palette overrides the light one where it must", () => {
  const { light, dark } = palettes();
  for (const name of ["--bg", "--card", "--text", "--primary", "--control"]) {
    assert(light.get(name) !== dark.get(name), name);
  }
});
