import { assertEquals, assertThrows } from "@std/assert";
import { ConfigError, loadConfig } from "../../src/config/settings.ts";

const BASE = { API_KEY: "k", AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "secret" };

Deno.test("config reads credentials, the endpoint override and the deadline", () => {
  const config = loadConfig({
    ...BASE,
    AWS_SESSION_TOKEN: "token",
    AWS_ENDPOINT_URL: "http://127.0.0.1:4566",
    EC2_TIMEOUT_MS: "2500",
    ALLOWED_REGIONS: "us-west-2, eu-central-1",
  });
  assertEquals(config.aws, {
    accessKeyId: "AKID",
    secretAccessKey: "secret",
    sessionToken: "token",
  });
  assertEquals(config.endpoint, "http://127.0.0.1:4566/");
  assertEquals(config.timeoutMs, 2500);
  assertEquals([...config.allowedRegions!], ["us-west-2", "eu-central-1"]);
  assertEquals(config.demo, false);
});

Deno.test("AWS_ENDPOINT_URL_EC2 wins over AWS_ENDPOINT_URL", () => {
  const config = loadConfig({
    ...BASE,
    AWS_ENDPOINT_URL: "http://127.0.0.1:1/",
    AWS_ENDPOINT_URL_EC2: "http://127.0.0.1:2/",
  });
  assertEquals(config.endpoint, "http://127.0.0.1:2/");
});

Deno.test("config errors name the variable and never its value", () => {
  const cases: [Record<string, string>, string][] = [
    [{ ...BASE, API_KEY: "" }, "API_KEY is required"],
    [{ API_KEY: "k", AWS_ACCESS_KEY_ID: "AKIDSECRETLOOKING" }, "AWS_SECRET_ACCESS_KEY is required"],
    [{ API_KEY: "k", AWS_SECRET_ACCESS_KEY: "s3cr3t-value" }, "AWS_ACCESS_KEY_ID is required"],
    [{ ...BASE, EC2_TIMEOUT_MS: "soon" }, "EC2_TIMEOUT_MS must be"],
    // Past 2^31 - 1 ms a timer fires at once: every call would time out.
    [
      { ...BASE, EC2_TIMEOUT_MS: "3000000000" },
      "EC2_TIMEOUT_MS must be a whole number from 1 to 300000",
    ],
    [{ ...BASE, AWS_ENDPOINT_URL_EC2: "ftp://x" }, "AWS_ENDPOINT_URL_EC2 must be"],
    [{ ...BASE, DEMO: "maybe" }, "DEMO must be"],
    [{ ...BASE, ALLOWED_REGIONS: "us-west-2,mars" }, "ALLOWED_REGIONS must list"],
  ];
  for (const [env, message] of cases) {
    const error = assertThrows(() => loadConfig(env), ConfigError, message);
    for (const secret of ["AKIDSECRETLOOKING", "s3cr3t-value", "soon", "maybe"]) {
      assertEquals(error.message.includes(secret), false, error.message);
    }
  }
});

Deno.test("with no credentials, a local run is a demo and needs no API_KEY", () => {
  const config = loadConfig({}, { demoWithoutCredentials: true });
  assertEquals(config.demo, true);
  assertEquals(config.apiKey, null);
  assertEquals(config.aws, null);
});

Deno.test("with no credentials on the edge, only DEMO=true makes a demo", () => {
  assertThrows(() => loadConfig({}), ConfigError, "API_KEY is required");
  assertEquals(loadConfig({ API_KEY: "k" }).demo, false);
  assertEquals(loadConfig({ API_KEY: "k", DEMO: "true" }).demo, true);
});

Deno.test("config reads the sweep's regions and limit and the webhook, never echoing a value", () => {
  const config = loadConfig({
    ...BASE,
    SWEEP_REGIONS: "us-west-2,eu-central-1",
    MAX_RUNTIME: "8h",
    NOTIFY_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/secret",
  });
  assertEquals(config.sweepRegions, ["us-west-2", "eu-central-1"]);
  assertEquals(config.maxRuntimeMs, 8 * 3_600_000);
  assertEquals(config.notifyWebhookUrl, "https://hooks.slack.com/services/T0/B0/secret");
  const none = loadConfig(BASE);
  assertEquals([none.sweepRegions, none.maxRuntimeMs, none.notifyWebhookUrl], [[], null, null]);
  assertThrows(() => loadConfig({ ...BASE, MAX_RUNTIME: "8 hours" }), ConfigError, "MAX_RUNTIME");
  assertThrows(
    () => loadConfig({ ...BASE, SWEEP_REGIONS: "mars-1" }),
    ConfigError,
    "SWEEP_REGIONS",
  );
  // The sweep acts only where the API may.
  assertThrows(
    () => loadConfig({ ...BASE, ALLOWED_REGIONS: "us-west-2", SWEEP_REGIONS: "eu-central-1" }),
    ConfigError,
    `SWEEP_REGIONS must name only regions in ALLOWED_REGIONS: "eu-central-1" is not`,
  );
  const error = assertThrows(
    () => loadConfig({ ...BASE, NOTIFY_WEBHOOK_URL: "ftp://secret-token@x" }),
    ConfigError,
    "NOTIFY_WEBHOOK_URL",
  );
  assertEquals(error.message.includes("secret-token"), false);
});

Deno.test("the webhook must be https (plain http only to this machine); an EC2 endpoint may be http", () => {
  const webhook = (url: string) =>
    loadConfig({ ...BASE, NOTIFY_WEBHOOK_URL: url }).notifyWebhookUrl;
  assertEquals(
    webhook("https://hooks.slack.com/services/T0/B0/x"),
    "https://hooks.slack.com/services/T0/B0/x",
  );
  for (
    const local of ["http://localhost:9000/hook", "http://127.0.0.1:9000/hook", "http://[::1]/hook"]
  ) {
    assertEquals(webhook(local), local);
  }
  // The webhook's path is its secret: not over plain http across a network.
  for (
    const bad of [
      "http://hooks.slack.com/services/T0/B0/secret-token",
      "ftp://secret-token@x",
      "not a url",
    ]
  ) {
    const error = assertThrows(
      () => webhook(bad),
      ConfigError,
      "NOTIFY_WEBHOOK_URL must be an https URL",
    );
    assertEquals(error.message.includes("secret-token"), false);
  }
  // Emulators (LocalStack, moto) serve plain http on any host, as the AWS SDKs allow.
  for (const name of ["AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL"]) {
    assertEquals(
      loadConfig({ ...BASE, [name]: "http://localstack:4566" }).endpoint,
      "http://localstack:4566/",
    );
    assertEquals(
      loadConfig({ ...BASE, [name]: "https://ec2.example.com" }).endpoint,
      "https://ec2.example.com/",
    );
    assertThrows(
      () => loadConfig({ ...BASE, [name]: "ftp://x" }),
      ConfigError,
      `${name} must be an http or https URL`,
    );
    assertThrows(
      () => loadConfig({ ...BASE, [name]: "::" }),
      ConfigError,
      `${name} must be an http or https URL`,
    );
  }
});

Deno.test("DNS settings: DNS_TTL (default 60), CLOUDFLARE_API_TOKEN, the Route53 endpoint", () => {
  const plain = loadConfig(BASE);
  assertEquals([plain.dnsTtl, plain.cloudflareApiToken, plain.route53Endpoint], [
    60,
    null,
    undefined,
  ]);
  const set = loadConfig({
    ...BASE,
    DNS_TTL: "300",
    CLOUDFLARE_API_TOKEN: " cf-token ",
    AWS_ENDPOINT_URL: "http://127.0.0.1:1/",
  });
  assertEquals([set.dnsTtl, set.cloudflareApiToken, set.route53Endpoint], [
    300,
    "cf-token",
    "http://127.0.0.1:1/",
  ]);
  const own = loadConfig({
    ...BASE,
    AWS_ENDPOINT_URL: "http://127.0.0.1:1/",
    AWS_ENDPOINT_URL_ROUTE_53: "http://127.0.0.1:3/",
  });
  assertEquals(own.route53Endpoint, "http://127.0.0.1:3/");
});

Deno.test("a DNS_TTL outside 60 to 86400 whole seconds, or a bad Route53 endpoint, stops start-up", () => {
  for (const value of ["59", "86401", "1.5", "sixty", "-60"]) {
    assertThrows(
      () => loadConfig({ ...BASE, DNS_TTL: value }),
      ConfigError,
      "DNS_TTL must be whole seconds from 60 to 86400",
    );
  }
  assertThrows(
    () => loadConfig({ ...BASE, AWS_ENDPOINT_URL_ROUTE_53: "route53.local" }),
    ConfigError,
    "AWS_ENDPOINT_URL_ROUTE_53 must be an http or https URL",
  );
});
