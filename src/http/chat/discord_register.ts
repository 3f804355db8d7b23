/**
 * The `/workwork` application command as Discord registers it, and the one
 * call that registers it: a bulk overwrite of the application's global
 * commands, so running it twice leaves the same single command.
 *
 * @see https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands
 * @module
 */
import {
  CHAT_SUBCOMMANDS,
  type ChatSubcommand,
  DISCORD_DRY_RUN_OPTION,
  DISCORD_NAME_OPTION,
} from "../../domain/chat_commands.ts";

/** The command's name, as typed after the slash. */
export const DISCORD_COMMAND_NAME = "workwork";
/** Discord's REST API, version 10. */
export const DISCORD_API_URL = "https://discord.com/api/v10";
const SNOWFLAKE_PATTERN = /^\d{15,20}$/;
const OPTION = { SUB_COMMAND: 1, STRING: 3, BOOLEAN: 5 } as const;

const DESCRIPTIONS: Record<ChatSubcommand, string> = {
  list: "The instances you may see, in every region",
  status: "One instance, with buttons to start, stop or reboot it",
  start: "Start an instance",
  stop: "Stop an instance",
  reboot: "Reboot an instance",
  help: "What workwork can do",
};

/** The body of the bulk overwrite: the one `/workwork` command with its subcommands. */
export function discordCommandDefinition(): unknown[] {
  const nameOption = {
    type: OPTION.STRING,
    name: DISCORD_NAME_OPTION,
    description: "The instance's Name tag or id",
    required: true,
    max_length: 256,
  };
  const dryRunOption = {
    type: OPTION.BOOLEAN,
    name: DISCORD_DRY_RUN_OPTION,
    description: "Ask EC2 whether it would succeed, and change nothing",
    required: false,
  };
  return [{
    name: DISCORD_COMMAND_NAME,
    type: 1,
    description: "Start, stop, reboot and read your EC2 instances",
    options: CHAT_SUBCOMMANDS.map((subcommand) => ({
      type: OPTION.SUB_COMMAND,
      name: subcommand,
      description: DESCRIPTIONS[subcommand],
      options: subcommand === "list" || subcommand === "help"
        ? []
        : subcommand === "status"
        ? [nameOption]
        : [nameOption, dryRunOption],
    })),
  }];
}

/** What {@linkcode registerDiscordCommands} needs. */
export interface DiscordRegistration {
  applicationId: string;
  botToken: string;
  fetch: typeof fetch;
  /** Discord's API; a test points it at a fake. Default {@linkcode DISCORD_API_URL}. */
  apiUrl?: string;
}

/**
 * Registers {@linkcode discordCommandDefinition} as the application's global
 * commands and returns the names Discord answered with.
 *
 * @throws {TypeError} when the application id or token is malformed
 * @throws {Error} when Discord refuses; the message has its status and its own
 *   message, never the token
 */
export async function registerDiscordCommands(options: DiscordRegistration): Promise<string[]> {
  const { applicationId, botToken } = options;
  if (!SNOWFLAKE_PATTERN.test(applicationId)) {
    throw new TypeError("DISCORD_APPLICATION_ID must be the application's id, 15 to 20 digits");
  }
  if (botToken === "" || /\s/.test(botToken)) {
    throw new TypeError("DISCORD_BOT_TOKEN must be the bot's token, without spaces");
  }
  const url = `${options.apiUrl ?? DISCORD_API_URL}/applications/${applicationId}/commands`;
  const response = await options.fetch(url, {
    method: "PUT",
    headers: {
      authorization: `Bot ${botToken}`,
      "content-type": "application/json",
      "user-agent": "DiscordBot (https://github.com/workwork, 1)",
    },
    body: JSON.stringify(discordCommandDefinition()),
  });
  const text = await response.text();
  let answer: unknown = null;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = null;
  }
  if (!response.ok) {
    const message = typeof (answer as { message?: unknown })?.message === "string"
      ? (answer as { message: string }).message.replaceAll(botToken, "…").slice(0, 200)
      : "no message";
    const hint = response.status === 401
      ? "; check DISCORD_BOT_TOKEN"
      : response.status === 404 || response.status === 403
      ? "; check DISCORD_APPLICATION_ID and that the token is this application's bot"
      : "";
    throw new Error(`Discord refused the commands: ${response.status} (${message})${hint}`);
  }
  if (!Array.isArray(answer)) {
    throw new Error("Discord's answer to the commands is not a JSON list");
  }
  return answer.map((command) => String((command as { name?: unknown })?.name));
}
