/**
 * The AWS shared files' INI dialect, read as the AWS SDKs read it: `[section]`
 * headers, `key = value` lines split at the first `=`, comments from `#` or
 * `;` at the start of a line or after whitespace, indented lines under a key
 * with an empty value as its sub-settings (`s3 =` / `  region = …`), kept as
 * `key.sub`.
 *
 * @see https://github.com/smithy-lang/smithy-typescript/blob/main/packages/shared-ini-file-loader/src/parseIni.ts
 * @module
 */

/** Sections by name, each a record of settings. Null prototypes: names come from a file. */
export type IniSections = Record<string, Record<string, string>>;

const COMMENT = /(^|\s)[;#]/;

/** Parses the text of a shared credentials or config file. */
export function parseIni(text: string): IniSections {
  const sections: IniSections = Object.create(null);
  let section: Record<string, string> | undefined;
  let parentKey: string | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.split(COMMENT)[0].trim();
    if (!line) continue;
    if (line.startsWith("[") && line.endsWith("]")) {
      const name = line.slice(1, -1).trim();
      section = sections[name] ??= Object.create(null);
      parentKey = undefined;
      continue;
    }
    const equals = line.indexOf("=");
    if (!section || equals <= 0) continue;
    const key = line.slice(0, equals).trim();
    const value = line.slice(equals + 1).trim();
    const indented = /^\s/.test(rawLine);
    if (indented && parentKey !== undefined) {
      section[`${parentKey}.${key}`] = value;
    } else {
      section[key] = value;
      parentKey = value === "" ? key : undefined;
    }
  }
  return sections;
}
