/**
 * The OpenAPI 3.1 description of every route (`GET /openapi.json`; rendered
 * for people at `/docs` by `docs_page.ts`). Public: it describes the API and
 * reveals no instance and no key. Its patterns and enums are the constants the
 * routes validate with (`REGION_PATTERN`, `INSTANCE_ID_PATTERN`, `ACTIONS`,
 * `INSTANCE_STATES`, the wait limits), and every operation has an
 * `operationId`, so client generators get typed operations (docs/api.md).
 *
 * @module
 */
import {
  DEFAULT_WAIT_SECONDS,
  HOLD_UNTIL_PATTERN,
  MAX_HOLD_HOURS,
  MAX_WAIT_SECONDS,
} from "./action_options.ts";
import { PAGE_ACTIONS } from "./dashboard/routes.ts";
import { REGION_PATTERN } from "../aws/endpoints.ts";
import { INSTANCE_ID_PATTERN, INSTANCE_STATES } from "../aws/ec2_types.ts";
import { ACTIONS } from "../domain/instances.ts";
import { SWEEP_OUTCOMES } from "../domain/sweep.ts";
import {
  EC2_MIN_MAX_RESULTS,
  MAX_PAGE_LIMIT,
  PAGE_TOKEN_PATTERN,
} from "../domain/instance_pages.ts";
import { MAX_WAIT_POLLS } from "../domain/wait.ts";
import { SERVICE_VERSION } from "./version.ts";

/** Where the document is served. */
export const OPENAPI_PATH = "/openapi.json";
/** Where its HTML rendering is served. */
export const DOCS_PATH = "/docs";
/** Where load balancers and orchestrators ask whether the process serves. */
export const HEALTH_PATH = "/healthz";

type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const LINK_TOKEN = {
  name: "token",
  in: "path",
  required: true,
  description: "A signed link token from a warning; any other answers 404 (`link`)",
  schema: { type: "string" },
};
const KEYED = [
  { apiKeyHeader: [] },
  { apiKeyDashHeader: [] },
  { xApiKeyHeader: [] },
  { bearer: [] },
  { apiKeyCookie: [] },
];

/** A response of JSON in the shape of the schema `schema`. */
function answer(description: string, schema: string): Json {
  return { description, content: { "application/json": { schema: ref(schema) } } };
}
function error(description: string): Json {
  return answer(description, "Error");
}
function htmlAnswer(description: string): Json {
  return { description, content: { "text/html": { schema: { type: "string" } } } };
}

const AUTH_ERRORS = {
  "401": error("Wrong key (`api_key`, `Invalid api key`)"),
  "403": error(
    "The key's scope does not allow this (`scope`), or a change authenticated by the `api_key` cookie that a browser says another site sent (`origin`)",
  ),
  "429": error(
    "Too many wrong keys from this address (`api_key`); `Retry-After` says when to try again",
  ),
  "422": error(
    "No key, a malformed key field, a malformed or unknown parameter, or a JSON body that does not parse or is not an object (`body`); `id` names the field (`api_key`, `region`, `instance_id`, `action`, `state`, `wait`, `body`, …)",
  ),
};
const BODY_ERRORS = {
  "415": error("A non-empty body that is not JSON (`body`): send JSON or no body"),
};
const EC2_ERRORS = {
  "404": error("EC2 does not know the instance (`instance_id`, `instance_id not found`)"),
  "409": error(
    "EC2 refused in this state (`IncorrectInstanceState`, `UnsupportedOperation`, `UnsupportedHibernationConfiguration`; id `instance_id`), or the state moved the wrong way during `wait` (id `wait`)",
  ),
  "413": error("Request body over 16 KB (`request`)"),
  "502": error(
    "The change happened but `start_time` was not written (`start_time`), or EC2 rejected this service's credentials or was unreachable (`aws`)",
  ),
  "503": error("EC2 unavailable or throttling, or no AWS credentials configured (`aws`)"),
  "504": error("EC2 did not answer within `EC2_TIMEOUT_MS` (`aws`)"),
};

function pathParam(name: string, description: string, schema: Json): Json {
  return { name, in: "path", required: true, description, schema };
}
function queryParam(name: string, description: string, schema: Json): Json {
  return { name, in: "query", required: false, description, schema };
}

const REGION = pathParam("region", "AWS region, e.g. `us-west-2`", {
  type: "string",
  pattern: REGION_PATTERN.source,
});
const INSTANCE_ID = pathParam("instance_id", "EC2 instance id, e.g. `i-0a1b2c3d4e5f60718`", {
  type: "string",
  pattern: INSTANCE_ID_PATTERN.source,
});
const STATE = { type: "string", enum: [...INSTANCE_STATES] };
const BOOLEAN = { type: "boolean", default: false };
const DRY_RUN = queryParam(
  "dry_run",
  "Ask EC2 with `DryRun` whether this would succeed; change nothing. Also a JSON body field.",
  BOOLEAN,
);

const CHANGE_OPERATION: Json = {
  summary: "Start, stop or reboot an instance",
  description:
    'Changes the state, then writes the `start_time` tag (now for start and reboot, `""` for stop). Options come from the query string or the JSON body (both only with the same value; a name repeated in the query, or given twice with different values, is 422 naming it). The key may also travel as the JSON body field `api_key`.',
  parameters: [
    REGION,
    INSTANCE_ID,
    pathParam("action", "What to do", { type: "string", enum: [...ACTIONS] }),
    queryParam(
      "wait",
      `start and stop: answer once the instance is running or stopped (at most ${MAX_WAIT_POLLS} polls)`,
      BOOLEAN,
    ),
    queryParam("wait_seconds", "How long `wait` waits before answering 202", {
      type: "integer",
      minimum: 1,
      maximum: MAX_WAIT_SECONDS,
      default: DEFAULT_WAIT_SECONDS,
    }),
    queryParam("hibernate", "stop only: hibernate (EC2 `Hibernate`)", BOOLEAN),
    queryParam("force", "stop only: skip the clean OS shutdown (EC2 `Force`)", BOOLEAN),
    DRY_RUN,
  ],
  requestBody: {
    required: false,
    content: { "application/json": { schema: ref("ChangeBody") } },
  },
  responses: {
    "200": {
      description:
        "With `wait`: the instance reached the state. With `dry_run`: EC2 says it would succeed.",
      content: {
        "application/json": {
          schema: { oneOf: [ref("ChangedInstance"), ref("DryRunAnswer")] },
        },
      },
    },
    "202": answer(
      "With `wait`: the deadline passed first; the instance as it is now",
      "ChangedInstance",
    ),
    "204": { description: "EC2 accepted the change" },
    ...AUTH_ERRORS,
    ...EC2_ERRORS,
    ...BODY_ERRORS,
  },
};

const WAKE_TARGET = pathParam("target", "The instance's id, or its exact `Name` tag", {
  type: "string",
  pattern: "^.{1,256}$",
});

const DNS_RECORD: Json = {
  type: "object",
  required: ["name", "type", "action", "result"],
  properties: {
    name: { type: "string" },
    type: { type: "string", enum: ["A", "AAAA"] },
    action: { type: "string", enum: ["upsert", "remove"] },
    values: { type: "array", items: { type: "string" } },
    result: {
      type: "string",
      enum: ["created", "updated", "unchanged", "deleted", "absent", "failed"],
    },
    error: {
      type: "object",
      required: ["code", "title"],
      properties: {
        code: {
          type: "string",
          enum: ["no_zone", "ambiguous_zone", "outside_zone", "refused", "unreachable"],
        },
        title: { type: "string" },
      },
    },
  },
};

const INSTANCE_PROPERTIES: Json = {
  public_dns_name: { type: ["string", "null"] },
  public_ip_address: { type: ["string", "null"] },
  state: STATE,
  tags: { type: "object", additionalProperties: { type: "string" } },
  type: { type: "string" },
  id: { type: "string" },
  name: { type: ["string", "null"], description: "The Name tag" },
  launch_time: { type: ["string", "null"], format: "date-time" },
  uptime_seconds: {
    type: ["integer", "null"],
    description: "Since `start_time` while running; null otherwise or when unknown",
  },
  last_change: {
    oneOf: [{ type: "null" }, ref("LastChange")],
    description:
      "Who last changed the state, how and when, from the `workwork:last_change` tag; null when absent or unreadable. A claim anyone who may tag the instance can write: the audit log is the record",
  },
  next: {
    oneOf: [{ type: "null" }, ref("NextAction")],
    description:
      "What the sweep will do next and why; null when nothing: no rule applies, or the region is not in `SWEEP_REGIONS`",
  },
  hold_until: {
    type: ["string", "null"],
    format: "date-time",
    description: "The end of an active hold (`workwork:hold_until`); null when not held",
  },
};
const INSTANCE_REQUIRED = [
  "public_dns_name",
  "public_ip_address",
  "state",
  "tags",
  "type",
  "id",
  "name",
  "launch_time",
  "uptime_seconds",
  "last_change",
  "next",
  "hold_until",
];

const HOURS = {
  type: "integer",
  minimum: 1,
  maximum: MAX_HOLD_HOURS,
  description: "Hold for this many hours from now",
};
const UNTIL = {
  type: "string",
  format: "date-time",
  pattern: HOLD_UNTIL_PATTERN.source,
  description:
    `Hold until this time (with an offset), after now and at most ${MAX_HOLD_HOURS} hours ahead`,
};

const HOLD_PATH_ITEM: Json = {
  post: {
    operationId: "holdInstance",
    summary: "Keep an instance: the sweep leaves it alone until a time",
    description:
      "Writes `workwork:hold_until` (one CreateTags): until then the sweep neither stops nor autostarts the instance. Give `hours` or `until`, in the query or the JSON body. Needs `hold` in the key's scope (a key that may `stop` may hold). Setting a hold replaces any earlier one.",
    parameters: [
      REGION,
      INSTANCE_ID,
      queryParam("hours", "Hold for this many hours from now", HOURS),
      queryParam("until", "Hold until this time", UNTIL),
    ],
    requestBody: {
      required: false,
      content: {
        "application/json": {
          schema: {
            type: "object",
            properties: { api_key: { type: "string" }, hours: HOURS, until: UNTIL },
          },
        },
      },
    },
    responses: {
      "200": answer("The hold is set", "Hold"),
      ...AUTH_ERRORS,
      ...EC2_ERRORS,
      ...BODY_ERRORS,
    },
  },
  delete: {
    operationId: "releaseInstance",
    summary: "Release a hold: the sweep's rules apply again from its next run",
    description:
      "Deletes `workwork:hold_until` (one DeleteTags of that key only). Releasing an instance that holds none succeeds. Needs `hold` in the key's scope.",
    parameters: [REGION, INSTANCE_ID],
    responses: {
      "204": { description: "No hold remains" },
      ...AUTH_ERRORS,
      ...EC2_ERRORS,
    },
  },
};

const SIGN_OUT: Json = {
  summary: "Sign out: clear the session cookie",
  description: "`POST /session/delete` is the same for the dashboard's form (303 to `/`).",
  security: [],
  responses: {
    "204": { description: "Signed out" },
    "303": { description: "Signed out (the form): to `/`" },
    "403": error("Sent from another site (`origin`)"),
  },
};

/**
 * One entry of a sweep report's `actions` (or, with `stop_at`, its
 * `warnings`): what was done, or is to come, to which instance and why.
 */
function sweepEntry(actions: string[], extra: Json = {}): Json {
  return {
    type: "object",
    required: ["region", "instance_id", "name", "action", "reason", "outcome"],
    properties: {
      region: { type: "string" },
      instance_id: {
        type: ["string", "null"],
        description: "null (with `name`) when the key may not read the instance",
      },
      name: { type: ["string", "null"] },
      action: { type: "string", enum: actions },
      reason: { type: "string" },
      ...extra,
      outcome: { type: "string", enum: [...SWEEP_OUTCOMES] },
      error: { type: "string" },
    },
  };
}

/** The OpenAPI 3.1 document of this service. */
export const OPENAPI_DOCUMENT: Json = {
  openapi: "3.1.0",
  info: {
    title: "workwork",
    version: SERVICE_VERSION,
    description:
      'Start, stop, reboot and inspect EC2 instances with an API key. Every error is `{"errors":[{"id","title"}]}`. The key travels, first present wins: JSON body field `api_key` (POST/PUT with a JSON content type), header `api_key`, `Api-Key` or `X-Api-Key`, `Authorization: Bearer`, cookie `api_key`. Never the query string.',
  },
  servers: [{ url: "/", description: "The service that serves this document" }],
  security: KEYED,
  paths: {
    "/instance/{region}": {
      get: {
        operationId: "listInstances",
        summary: "List a region's instances",
        description:
          "Every page of DescribeInstances, only the instances the key's scope allows. Filter by tag with `tag:KEY=VALUE` (repeat to accept several values). Any other query parameter is 422 naming it (`request` for a long or odd name).",
        parameters: [
          REGION,
          {
            ...queryParam("state", "Only instances in these states, comma-separated", {
              type: "array",
              items: STATE,
              examples: [["running"], ["running", "stopped"]],
            }),
            style: "form",
            explode: false,
          },
          {
            name: "tag:KEY",
            in: "query",
            required: false,
            description: "Only instances whose tag KEY has this value, e.g. `tag:Name=dev-box`",
            schema: { type: "string" },
          },
          queryParam(
            "limit",
            `One page of at most this many instances (one DescribeInstances; EC2's MaxResults, at least ${EC2_MIN_MAX_RESULTS}, a smaller page cut from it). Without \`limit\` or \`next_token\`: every page, as before`,
            { type: "integer", minimum: 1, maximum: MAX_PAGE_LIMIT },
          ),
          queryParam(
            "next_token",
            `The page after the one that answered this \`next_token\` (opaque; pages of ${MAX_PAGE_LIMIT} without \`limit\`). A token this service did not give, or EC2 no longer honours: 422 \`next_token\``,
            { type: "string", pattern: PAGE_TOKEN_PATTERN.source },
          ),
        ],
        responses: {
          "200": answer("The instances", "InstanceList"),
          ...AUTH_ERRORS,
          ...EC2_ERRORS,
        },
      },
    },
    "/instance/{region}/{instance_id}": {
      get: {
        operationId: "readInstance",
        summary: "Read an instance",
        parameters: [REGION, INSTANCE_ID],
        responses: {
          "200": answer("The instance", "Instance"),
          ...AUTH_ERRORS,
          ...EC2_ERRORS,
        },
      },
    },
    "/instance/{region}/{instance_id}/hold": HOLD_PATH_ITEM,
    "/instance/{region}/{instance_id}/{action}": {
      post: { operationId: "changeInstance", ...CHANGE_OPERATION },
      put: { operationId: "changeInstanceByPut", ...CHANGE_OPERATION },
    },
    "/wake/{region}/{target}": {
      get: {
        operationId: "wakePage",
        summary: "The wake-up page: a box's state and one Start button",
        description:
          "For a person, on a phone too. The page itself reads nothing and changes nothing (link previews and crawlers may fetch it); its script asks `…/status` with the dashboard's session, offers the sign-in form without one, posts `…/start`, then follows the start and, once the instance runs and its names' records hold its address, goes on to `workwork:url`.",
        security: [],
        parameters: [REGION, WAKE_TARGET],
        responses: {
          "200": { description: "HTML", content: { "text/html": {} } },
          "422": error("A malformed region (`region`) or target (`target`)"),
        },
      },
    },
    "/wake/{region}/{target}/status": {
      get: {
        operationId: "readWakeStatus",
        summary: "The wake-up page's view of an instance",
        description:
          "What `GET /wake/{region}/{target}` (an HTML page that reads nothing itself) shows: the state, each `workwork:dns` name's records at the DNS provider, and `workwork:url`. Takes the dashboard's session (from the page) or a key.",
        parameters: [REGION, WAKE_TARGET],
        responses: {
          "200": answer("The instance as the page shows it", "WakeStatus"),
          ...AUTH_ERRORS,
          ...EC2_ERRORS,
          "409": error("Several instances have this Name: use the id"),
        },
      },
    },
    "/wake/{region}/{target}/start": {
      post: {
        operationId: "startFromWakePage",
        summary: "The wake-up page's Start button",
        description:
          "Starts the instance; its names follow in the background. Takes the dashboard's session (from the page) or a key with `start`.",
        parameters: [REGION, WAKE_TARGET],
        responses: {
          "202": answer("EC2 accepted the start", "WakeStart"),
          ...AUTH_ERRORS,
          ...EC2_ERRORS,
          "409": error("Several instances have this Name, or EC2 refused the state"),
        },
      },
    },
    "/sweep": {
      post: {
        operationId: "runSweep",
        summary: "Run the auto-stop sweep now",
        description:
          "Sweeps the regions of `SWEEP_REGIONS` (those the key's scope allows, and only instances it allows). Needs `sweep` in the key's scope.",
        parameters: [DRY_RUN],
        requestBody: {
          required: false,
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: { api_key: { type: "string" }, dry_run: { type: "boolean" } },
              },
            },
          },
        },
        responses: {
          "200": answer("What the sweep did, or with `dry_run` would do", "SweepReport"),
          ...AUTH_ERRORS,
          ...BODY_ERRORS,
          "503": EC2_ERRORS["503"],
        },
      },
    },
    "/instance/{region}/{instance_id}/active": {
      post: {
        operationId: "heartbeat",
        summary: "Say the instance is in use (a heartbeat from the box)",
        description:
          "Writes `workwork:last_active` (the current ISO time), which keeps an idle rule from stopping the box. At most once per 5 minutes per instance: the tag is read first (one DescribeInstances), and a call that finds it younger than that answers 204 without writing. Needs `active` in the key's scope.",
        parameters: [REGION, INSTANCE_ID],
        responses: {
          "204": { description: "Noted (or noted less than 5 minutes ago)" },
          ...AUTH_ERRORS,
          ...EC2_ERRORS,
        },
      },
    },
    "/link/{token}": {
      get: {
        operationId: "linkPage",
        summary: "The page of a signed link: one button, and nothing changes",
        parameters: [LINK_TOKEN],
        description:
          "Links come in warnings before automatic stops (keep 1 h, keep 4 h, stop now), signed with `LINK_SECRET`. No key: the signature is the permission.",
        security: [],
        responses: {
          "200": htmlAnswer("The page"),
          "404": error("Not a valid link, or links are not configured (`link`)"),
          "410": error("The link has expired (`link`)"),
        },
      },
      post: {
        operationId: "useLink",
        summary: "Do what a signed link names (the page's button)",
        parameters: [LINK_TOKEN],
        description:
          'Keep (`workwork:hold_until` 1 or 4 hours from now), stop or start the one instance the link names. Audited (`event: "link"`).',
        security: [],
        responses: {
          "200": htmlAnswer("What was done"),
          "404": error("Not a valid link, or links are not configured (`link`)"),
          "410": error("The link has expired (`link`)"),
          "409": EC2_ERRORS["409"],
          "502": EC2_ERRORS["502"],
          "503": EC2_ERRORS["503"],
        },
      },
    },
    [HEALTH_PATH]: {
      get: {
        operationId: "health",
        summary: "Health check for load balancers",
        description:
          "Answers as soon as the process serves, with no key and no call to AWS: a failing EC2 or a missing credential does not make it fail. 500 `config` when the settings cannot be read.",
        security: [],
        responses: {
          "200": answer("The process serves", "Health"),
          "500": error("The settings cannot be read (`config`)"),
        },
      },
    },
    "/": {
      get: {
        operationId: "dashboard",
        summary: "The dashboard",
        description:
          "With a valid session cookie (`__Host-workwork_session`, or the old `api_key` cookie, swapped for a session): the instances the key may see, with buttons for what it may do. Without: the sign-in form.",
        security: [],
        responses: { "200": { description: "HTML", content: { "text/html": {} } } },
      },
    },
    "/session": {
      get: {
        operationId: "readSession",
        summary: "What the signed-in key may do",
        security: KEYED,
        responses: {
          "200": answer("The key's name (never the key), actions and regions", "Session"),
          ...AUTH_ERRORS,
        },
      },
      post: {
        operationId: "signIn",
        summary: "Sign in: set the session cookie (a signed 12-hour token, not the key)",
        description:
          "The key from the form field `api_key` (the dashboard's form: answers HTML, 303 to `/` on success) or from any key source (answers JSON). Sets `api_key` as `HttpOnly; Secure; SameSite=Strict` (not `Secure` over plain HTTP on localhost). Refused with 403 `origin` when sent from another site; failed keys count against the address as on every route.",
        security: [],
        requestBody: {
          required: false,
          content: {
            "application/x-www-form-urlencoded": {
              schema: { type: "object", properties: { api_key: { type: "string" } } },
            },
          },
        },
        responses: {
          "200": answer("Signed in (JSON clients)", "Session"),
          "303": { description: "Signed in (the form): to `/`" },
          "401": AUTH_ERRORS["401"],
          "403": error("Sent from another site (`origin`)"),
          "422": AUTH_ERRORS["422"],
          "429": AUTH_ERRORS["429"],
        },
      },
      delete: { operationId: "signOut", ...SIGN_OUT },
    },
    "/session/delete": { post: { operationId: "signOutByForm", ...SIGN_OUT } },
    "/manifest.webmanifest": {
      get: {
        operationId: "webManifest",
        summary: "The dashboard's web app manifest, to add it to a home screen",
        security: [],
        responses: { "200": { description: "JSON", content: { "application/manifest+json": {} } } },
      },
    },
    "/icon.svg": {
      get: {
        operationId: "iconSvg",
        summary: "The dashboard's icon",
        security: [],
        responses: { "200": { description: "SVG", content: { "image/svg+xml": {} } } },
      },
    },
    ...Object.fromEntries([192, 512].map((size) => [`/icon-${size}.png`, {
      get: {
        operationId: size === 192 ? "iconPngSmall" : "iconPngLarge",
        summary: `The dashboard's icon, ${size} px`,
        security: [],
        responses: { "200": { description: "PNG", content: { "image/png": {} } } },
      },
    }])),
    [OPENAPI_PATH]: {
      get: {
        operationId: "openApiDocument",
        summary: "This document",
        security: [],
        responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": {} } } },
      },
    },
    [DOCS_PATH]: {
      get: {
        operationId: "docsPage",
        summary: "This document as a readable page",
        security: [],
        responses: { "200": { description: "HTML", content: { "text/html": {} } } },
      },
    },
  },
  components: {
    securitySchemes: {
      apiKeyHeader: { type: "apiKey", in: "header", name: "api_key" },
      apiKeyDashHeader: { type: "apiKey", in: "header", name: "Api-Key" },
      xApiKeyHeader: { type: "apiKey", in: "header", name: "X-Api-Key" },
      bearer: { type: "http", scheme: "bearer" },
      apiKeyCookie: { type: "apiKey", in: "cookie", name: "api_key" },
    },
    schemas: {
      Error: {
        type: "object",
        required: ["errors"],
        properties: {
          errors: {
            type: "array",
            items: {
              type: "object",
              required: ["id", "title"],
              properties: { id: { type: "string" }, title: { type: "string" } },
            },
          },
        },
      },
      Instance: { type: "object", required: INSTANCE_REQUIRED, properties: INSTANCE_PROPERTIES },
      ChangedInstance: {
        type: "object",
        description:
          "The instance after a change with `wait`; `dns` when it has a `workwork:dns` tag",
        required: INSTANCE_REQUIRED,
        properties: { ...INSTANCE_PROPERTIES, dns: ref("DnsAnswer") },
      },
      DnsAnswer: {
        type: "object",
        description:
          "The names of `workwork:dns` and what was done for each record. `ok: false` means the state change happened and a name did not follow; the records are set right by a later sweep.",
        required: ["provider", "ok", "records", "skipped"],
        properties: {
          provider: { type: "string", enum: ["route53", "cloudflare"] },
          ok: { type: "boolean" },
          records: { type: "array", items: DNS_RECORD },
          skipped: {
            type: ["string", "null"],
            description: "Why nothing was written: a bad tag, a state that calls for nothing yet",
          },
        },
      },
      WakeStatus: {
        type: "object",
        required: [
          "region",
          "instance_id",
          "name",
          "state",
          "public_ip_address",
          "ipv6_address",
          "url",
          "url_problem",
          "names",
          "resolves",
          "ready",
          "dns_problem",
          "may_start",
        ],
        properties: {
          region: { type: "string" },
          instance_id: { type: "string", pattern: INSTANCE_ID_PATTERN.source },
          name: { type: ["string", "null"] },
          state: STATE,
          public_ip_address: { type: ["string", "null"] },
          ipv6_address: { type: ["string", "null"] },
          url: {
            type: ["string", "null"],
            description:
              "`workwork:url` when it is an http or https URL: where the page goes once ready",
          },
          url_problem: { type: ["string", "null"] },
          names: {
            type: "array",
            description: "Each name's record at the DNS provider, checked while the instance runs",
            items: {
              type: "object",
              required: ["name", "type", "expected", "found", "resolves"],
              properties: {
                name: { type: "string" },
                type: { type: "string", enum: ["A", "AAAA"] },
                expected: { type: "string" },
                found: { type: "array", items: { type: "string" } },
                resolves: { type: "boolean" },
                error: { type: "string" },
              },
            },
          },
          resolves: { type: "boolean" },
          ready: {
            type: "boolean",
            description: "Running, with its address, and every name's records holding it",
          },
          dns_problem: { type: ["string", "null"] },
          may_start: { type: "boolean" },
        },
      },
      WakeStart: {
        type: "object",
        required: ["action", "region", "instance_id", "accepted"],
        properties: {
          action: { const: "start" },
          region: { type: "string" },
          instance_id: { type: "string", pattern: INSTANCE_ID_PATTERN.source },
          accepted: { const: true },
        },
      },
      Hold: {
        type: "object",
        required: ["region", "instance_id", "hold_until"],
        properties: {
          region: { type: "string" },
          instance_id: { type: "string", pattern: INSTANCE_ID_PATTERN.source },
          hold_until: { type: "string", format: "date-time" },
        },
      },
      LastChange: {
        type: "object",
        required: ["by", "action", "at"],
        properties: {
          by: {
            type: "string",
            description: "`key <name>`, `sweep cron`, `sweep key <name>`",
          },
          action: { type: "string", enum: [...ACTIONS] },
          at: { type: "string", format: "date-time" },
        },
      },
      NextAction: {
        type: "object",
        required: ["action", "at", "rule", "reason"],
        properties: {
          action: {
            type: ["string", "null"],
            enum: ["start", "stop", null],
            description:
              "null when a sweep tag cannot be read: the sweep leaves the instance alone",
          },
          at: {
            type: ["string", "null"],
            format: "date-time",
            description:
              "From when the sweep acts: its first run at or after this time (the cron runs every 5 minutes); now when overdue",
          },
          rule: {
            type: "string",
            description: "`schedule`, `max_runtime`, `hold` (a hold that cannot be read)",
          },
          reason: { type: "string", description: "What the sweep's report will say" },
        },
      },
      Session: {
        type: "object",
        required: ["name", "actions", "regions"],
        properties: {
          name: { type: "string", description: "The key's name, never the key" },
          actions: { type: "array", items: { type: "string", enum: [...PAGE_ACTIONS] } },
          regions: { type: "array", items: { type: "string" } },
        },
      },
      Health: {
        type: "object",
        required: ["status", "version"],
        properties: {
          status: { const: "ok" },
          version: { type: "string", description: "The service's version, as `info.version`" },
        },
      },
      InstanceList: {
        type: "object",
        required: ["instances", "next_token"],
        properties: {
          instances: { type: "array", items: ref("Instance") },
          next_token: {
            type: ["string", "null"],
            description:
              "With `limit` or `next_token`: the token of the next page, null on the last. A page may hold fewer than `limit` instances (EC2's short pages, instances the key's scope hides) and still have a next one. Always null for the whole listing",
          },
        },
      },
      ChangeBody: {
        type: "object",
        properties: {
          api_key: { type: "string" },
          wait: { type: "boolean" },
          wait_seconds: {
            type: "integer",
            minimum: 1,
            maximum: MAX_WAIT_SECONDS,
            description: `Default ${DEFAULT_WAIT_SECONDS}`,
          },
          hibernate: { type: "boolean" },
          force: { type: "boolean" },
          dry_run: { type: "boolean" },
        },
      },
      DryRunAnswer: {
        type: "object",
        required: ["dry_run", "would_succeed", "action", "instance_id"],
        properties: {
          dry_run: { type: "boolean", const: true },
          would_succeed: { type: "boolean", const: true },
          action: { type: "string", enum: [...ACTIONS] },
          instance_id: { type: "string", pattern: INSTANCE_ID_PATTERN.source },
        },
      },
      SweepReport: {
        type: "object",
        required: ["dry_run", "at", "regions", "actions", "problems"],
        properties: {
          dry_run: { type: "boolean" },
          at: { type: "string", format: "date-time" },
          regions: { type: "array", items: { type: "string" } },
          actions: { type: "array", items: sweepEntry(["start", "stop"]) },
          warnings: {
            type: "array",
            description:
              "Warnings of stops to come (WARN_BEFORE), sent to the webhook with their links; the stop follows at stop_at",
            items: sweepEntry(["stop"], { stop_at: { type: "string", format: "date-time" } }),
          },
          healed: {
            type: "array",
            description:
              'start_time tags found disagreeing with the state (a time on a stopped instance, "" on a running one) and the value written',
            items: {
              type: "object",
              properties: {
                region: { type: "string" },
                instance_id: {
                  type: ["string", "null"],
                  description:
                    "null (and only region and outcome given) when the key may not read the instance",
                },
                state: { type: "string" },
                found: { type: "string" },
                start_time: { type: "string" },
                outcome: { enum: ["done", "would", "failed", "deferred"] },
                error: { type: "string" },
              },
            },
          },
          dns: {
            type: "array",
            description:
              "Instances with a `workwork:dns` tag and their records after this run; absent on a dry run or without a DNS provider",
            items: {
              type: "object",
              required: [
                "region",
                "instance_id",
                "name",
                "state",
                "outcome",
                "ok",
                "records",
                "skipped",
              ],
              properties: {
                region: { type: "string" },
                instance_id: { type: "string" },
                name: { type: ["string", "null"] },
                state: STATE,
                outcome: { type: "string", enum: ["done", "deferred"] },
                ok: { type: "boolean" },
                records: { type: "array", items: DNS_RECORD },
                skipped: { type: ["string", "null"] },
              },
            },
          },
          problems: {
            type: "array",
            items: {
              type: "object",
              required: ["region", "title"],
              properties: {
                region: { type: "string" },
                instance_id: { type: "string" },
                title: { type: "string" },
              },
            },
          },
        },
      },
    },
  },
};
