/**
 * What a chat message shows of one instance, and the compact button id both
 * platforms carry: `ww:<action>[!]:<region>:<instance id>`, where `!` marks a
 * change the user has already confirmed. The longest (`ww:reboot!:` and a
 * 17-digit id in a long region) stays under 60 characters, inside Discord's 100
 * for `custom_id` and Slack's 255 for `action_id`.
 *
 * @module
 */
import { isRegionName } from "../../aws/endpoints.ts";
import {
  type InstanceAction,
  type InstanceView,
  isAction,
  isInstanceId,
  START_TIME_TAG,
} from "../../domain/instances.ts";
import { ChatRequestError } from "./errors.ts";

/** The prefix of every button id this service makes. */
export const CHAT_ACTION_PREFIX = "ww";

/** One instance as a chat message shows it: no tags but `Name` and `start_time`. */
export interface ChatInstance {
  region: string;
  id: string;
  name: string | null;
  state: string;
  type: string;
  /** The public IP address, else the public DNS name, else null. */
  address: string | null;
  /** The `start_time` tag, or null when it is missing or empty (stopped). */
  startTime: string | null;
}

/** A button press: which change, on which instance. */
export interface ChatActionTarget {
  region: string;
  id: string;
  action: InstanceAction;
  /** True when the user has confirmed the change, or it needs no confirmation. */
  confirmed: boolean;
}

/** The facts a chat message shows, from the view the API reads. */
export function chatInstance(region: string, view: InstanceView): ChatInstance {
  return {
    region,
    id: view.id,
    name: view.name,
    state: view.state,
    type: view.type,
    address: view.public_ip_address ?? view.public_dns_name ?? null,
    startTime: view.tags[START_TIME_TAG] || null,
  };
}

/**
 * The changes a button is offered for in `state`: start when stopped, stop when
 * running or pending, reboot when running. Other states offer none, since EC2
 * would refuse them.
 */
export function offeredActions(state: string): InstanceAction[] {
  switch (state) {
    case "stopped":
      return ["start"];
    case "running":
      return ["stop", "reboot"];
    case "pending":
      return ["stop"];
    default:
      return [];
  }
}

/** The button id of `target`. */
export function encodeChatAction(target: ChatActionTarget): string {
  const mark = target.confirmed ? "!" : "";
  return `${CHAT_ACTION_PREFIX}:${target.action}${mark}:${target.region}:${target.id}`;
}

/**
 * Reads a button id made by {@linkcode encodeChatAction}.
 *
 * @throws {ChatRequestError} `payload` when it is not one of ours
 */
export function decodeChatAction(value: unknown): ChatActionTarget {
  const parts = typeof value === "string" && value.length <= 100 ? value.split(":") : [];
  if (parts.length !== 4 || parts[0] !== CHAT_ACTION_PREFIX) {
    throw new ChatRequestError("payload", "Button is not one of workwork's");
  }
  const [, marked, region, id] = parts;
  const confirmed = marked.endsWith("!");
  const action = confirmed ? marked.slice(0, -1) : marked;
  if (!isAction(action) || !isRegionName(region) || !isInstanceId(id)) {
    throw new ChatRequestError("payload", "Button is not one of workwork's");
  }
  return { region, id, action, confirmed };
}
