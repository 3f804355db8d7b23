/**
 * The `/workwork` chat command: `list | status NAME | start NAME | stop NAME |
 * reboot NAME | help`, with `--dry-run` on the three changes. Slack sends the
 * words as text; Discord sends subcommands with typed options. Both end here as
 * one {@linkcode ChatCommand}.
 *
 * @module
 */
import type { InstanceAction } from "./instances.ts";

/** The subcommands, in the order help lists them. */
export const CHAT_SUBCOMMANDS = ["list", "status", "start", "stop", "reboot", "help"] as const;
/** One of {@linkcode CHAT_SUBCOMMANDS}. */
export type ChatSubcommand = typeof CHAT_SUBCOMMANDS[number];

/** The longest command text read; an instance name (a tag value) is at most 256 characters. */
export const MAX_COMMAND_TEXT_LENGTH = 300;
/** The flag asking EC2 whether a change would succeed, changing nothing. */
export const DRY_RUN_FLAG = "--dry-run";
/** Discord's option names: the instance and the dry-run switch. */
export const DISCORD_NAME_OPTION = "name";
/** Discord's boolean option for {@linkcode DRY_RUN_FLAG}. */
export const DISCORD_DRY_RUN_OPTION = "dry_run";

/** What the help answer says. */
export const CHAT_HELP_TEXT = [
  "/workwork list: the instances you may see, in every region",
  "/workwork status NAME: one instance, by its Name tag or id, with buttons",
  "/workwork start NAME [--dry-run]",
  "/workwork stop NAME [--dry-run]",
  "/workwork reboot NAME [--dry-run]",
  "/workwork help: this text",
  "--dry-run asks EC2 whether the change would succeed and changes nothing.",
].join("\n");

/** A parsed command. */
export type ChatCommand =
  | { subcommand: "list" }
  | { subcommand: "help" }
  | { subcommand: "status"; name: string }
  | { subcommand: InstanceAction; name: string; dryRun: boolean };

/** A command that does not parse; the message says why and {@linkcode CHAT_HELP_TEXT} says how. */
export class ChatCommandError extends Error {
  /** The help text to answer with, next to the message. */
  readonly help: string = CHAT_HELP_TEXT;

  constructor(message: string) {
    super(message);
    this.name = "ChatCommandError";
  }
}

// Slack's clients may turn "--" into an en or em dash as the user types.
const DASHED_FLAG_PATTERN = /^(?:--|\u2013|\u2014)dry-run$/i;

/**
 * Parses the words after `/workwork` as Slack sends them in `text`. Empty text
 * means help. The name is every word after the subcommand that is not the
 * flag, joined by single spaces, so Name tags with spaces work.
 *
 * @throws {ChatCommandError} on an unknown subcommand, a missing name, an unknown flag, or text too long
 */
export function parseCommandText(text: string): ChatCommand {
  if (text.length > MAX_COMMAND_TEXT_LENGTH) {
    throw new ChatCommandError(`Command is longer than ${MAX_COMMAND_TEXT_LENGTH} characters`);
  }
  const words = text.trim().split(/\s+/).filter((word) => word !== "");
  if (words.length === 0) return { subcommand: "help" };
  const [first, ...rest] = words;
  const subcommand = first.toLowerCase();
  let dryRun = false;
  const nameWords: string[] = [];
  for (const word of rest) {
    if (DASHED_FLAG_PATTERN.test(word)) dryRun = true;
    else if (word.startsWith("--")) {
      throw new ChatCommandError(
        `Unknown option "${clip(word)}"; the only option is ${DRY_RUN_FLAG}`,
      );
    } else nameWords.push(word);
  }
  return command(subcommand, nameWords.length ? nameWords.join(" ") : null, dryRun);
}

/**
 * Parses Discord's options of the `/workwork` command: one subcommand option
 * (type 1) holding an optional `name` string (type 3) and `dry_run` boolean (type 5).
 *
 * @see https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-type
 * @throws {ChatCommandError} when the options are not those of the registered command
 */
export function parseDiscordOptions(options: unknown): ChatCommand {
  if (!Array.isArray(options) || options.length !== 1) {
    throw new ChatCommandError("Command has no subcommand; register the command again");
  }
  const sub = options[0] as Record<string, unknown> | null;
  if (typeof sub !== "object" || sub === null || sub.type !== 1 || typeof sub.name !== "string") {
    throw new ChatCommandError("Command has no subcommand; register the command again");
  }
  let name: string | null = null;
  let dryRun = false;
  const inner = sub.options ?? [];
  if (!Array.isArray(inner)) throw new ChatCommandError("Command options are malformed");
  for (const option of inner as Record<string, unknown>[]) {
    if (
      option?.name === DISCORD_NAME_OPTION && option.type === 3 && typeof option.value === "string"
    ) {
      name = option.value.trim().split(/\s+/).join(" ") || null;
    } else if (
      option?.name === DISCORD_DRY_RUN_OPTION && option.type === 5 &&
      typeof option.value === "boolean"
    ) {
      dryRun = option.value;
    } else {
      throw new ChatCommandError(
        `Unknown option ${typeof option?.name === "string" ? `"${clip(option.name)}"` : ""}`
          .trim() +
          "; register the command again",
      );
    }
  }
  if (name !== null && name.length > MAX_COMMAND_TEXT_LENGTH) {
    throw new ChatCommandError(`Name is longer than ${MAX_COMMAND_TEXT_LENGTH} characters`);
  }
  return command(sub.name, name, dryRun);
}

function command(subcommand: string, name: string | null, dryRun: boolean): ChatCommand {
  switch (subcommand) {
    case "list":
    case "help":
      if (name !== null) {
        throw new ChatCommandError(`"${subcommand}" takes no name`);
      }
      if (dryRun) throw new ChatCommandError(`${DRY_RUN_FLAG} is only for start, stop and reboot`);
      return { subcommand };
    case "status":
      if (name === null) throw new ChatCommandError('"status" needs an instance name or id');
      if (dryRun) throw new ChatCommandError(`${DRY_RUN_FLAG} is only for start, stop and reboot`);
      return { subcommand, name };
    case "start":
    case "stop":
    case "reboot":
      if (name === null) {
        throw new ChatCommandError(`"${subcommand}" needs an instance name or id`);
      }
      return { subcommand, name, dryRun };
    default:
      throw new ChatCommandError(
        `Unknown command "${clip(subcommand)}"; use one of ${CHAT_SUBCOMMANDS.join(", ")}`,
      );
  }
}

/** A user's word for an error message: short, without control characters. */
function clip(word: string): string {
  // deno-lint-ignore no-control-regex
  const clean = word.replace(/[\u0000-\u001f\u007f]/g, "?");
  return clean.length > 32 ? `${clean.slice(0, 32)}…` : clean;
}
