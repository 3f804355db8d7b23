/**
 * The credential chain wired into the real entry point: `deno task start`'s
 * command, its flags included, as a user runs it.
 */
import { assertEquals, assertMatch, assertRejects } from "@std/assert";
import { mayStartServer, startServer } from "../_server.ts";
import { startFakeAws } from "../_fake_aws.ts";
import { API_KEY, REGION, RUNNING_ID } from "../_helpers.ts";

const granted = await mayStartServer();
/**
 * Shared files that do not exist, inside the ~/.aws the start task may read
 * (a different HOME would move Deno's cache too), so the machine's own
 * files never count.
 */
const HOME = Deno.env.get("HOME") ?? "";
const NO_FILES = {
  AWS_SHARED_CREDENTIALS_FILE: `${HOME}/.aws/workwork-test-absent-credentials`,
  AWS_CONFIG_FILE: `${HOME}/.aws/workwork-test-absent-config`,
};
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

Deno.test({
  name: "deno task start with an AWS_PROFILE it cannot read stops, naming the profile",
  ignore: !granted,
  async fn() {
    const error = await assertRejects(
      () => startServer({ ...NO_FILES, AWS_PROFILE: "prod-admin" }),
      Error,
      "The server exited",
    );
    assertMatch(error.message, /workwork: AWS_PROFILE names profile "prod-admin"/);
  },
});

Deno.test({
  name: "deno task start finding no credentials serves the demo and says where it looked",
  ignore: !granted,
  async fn() {
    const server = await startServer({ ...NO_FILES, AWS_EC2_METADATA_DISABLED: "true" });
    try {
      const looked = [
        "environment (AWS_ACCESS_KEY_ID)",
        "web identity (AWS_ROLE_ARN)",
        `shared files (profile "default" in ${NO_FILES.AWS_SHARED_CREDENTIALS_FILE}, ${NO_FILES.AWS_CONFIG_FILE})`,
        "container credentials (AWS_CONTAINER_CREDENTIALS_*)",
        "EC2 instance metadata (off: AWS_EC2_METADATA_DISABLED)",
      ].join("; ");
      assertMatch(
        server.banner.replace(/\s+/g, " "),
        new RegExp(escaped(`workwork DEMO: no AWS credentials found (looked in: ${looked}),`)),
      );
    } finally {
      await server.stop();
    }
  },
});

Deno.test({
  name: "deno task start with container credentials names the source and answers 503 when it fails",
  ignore: !granted,
  async fn() {
    const fake = startFakeAws({
      accessKeyId: "ASIAX",
      secretAccessKey: "s",
      sessionToken: "t",
      expiration: new Date(),
    });
    fake.metadata = null;
    const server = await startServer({
      ...NO_FILES,
      API_KEY,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${fake.base}/container-credentials`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "container-token-do-not-leak",
    });
    try {
      assertMatch(
        server.banner,
        /talking to AWS EC2 with credentials from container credentials \(AWS_CONTAINER_CREDENTIALS_\*\)/,
      );
      const response = await fetch(`${server.base}/instance/${REGION}/${RUNNING_ID}`, {
        headers: { "x-api-key": API_KEY },
      });
      assertEquals(response.status, 503);
      const text = await response.text();
      assertEquals(JSON.parse(text).errors[0], {
        id: "aws",
        title:
          "AWS credentials from container credentials (AWS_CONTAINER_CREDENTIALS_*) are unavailable: the container credentials endpoint answered HTTP 500",
      });
      assertEquals(text.includes("container-token-do-not-leak"), false);
    } finally {
      await server.stop();
      await fake.close();
    }
    assertEquals(server.lines.join("\n").includes("container-token-do-not-leak"), false);
  },
});

Deno.test({
  name:
    "deno task start reads no web identity token outside ~/.aws, and its 503 says which flag grants it",
  ignore: !granted,
  async fn() {
    const tokenFile = new URL("../../deno.json", import.meta.url).pathname;
    const server = await startServer({
      ...NO_FILES,
      API_KEY,
      AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/deploy",
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_ENDPOINT_URL_STS: "http://127.0.0.1:9/",
    });
    try {
      assertMatch(server.banner, /with credentials from web identity \(AWS_ROLE_ARN\)/);
      const response = await fetch(`${server.base}/instance/${REGION}/${RUNNING_ID}`, {
        headers: { "x-api-key": API_KEY },
      });
      assertEquals(response.status, 503);
      assertEquals(
        (await response.json()).errors[0].title,
        `AWS credentials from web identity (AWS_ROLE_ARN) are unavailable: cannot read "${tokenFile}": read access is not granted: add the path to --allow-read`,
      );
    } finally {
      await server.stop();
    }
  },
});
