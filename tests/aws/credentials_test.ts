/**
 * The AWS credential chain against fake STS, IMDS and container servers on
 * 127.0.0.1, with files and processes injected and the clock pinned.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import {
  type CredentialHost,
  CredentialsError,
  findCredentials,
  ProfileError,
} from "../../src/aws/credentials.ts";
import { parseIni } from "../../src/aws/_ini.ts";
import { splitCommand } from "../../src/aws/_profiles.ts";
import { ConfigError } from "../../src/config/settings.ts";
import { Ec2Simulator } from "../../src/simulator/ec2.ts";
import { createService } from "../../src/platform/service.ts";
import { walkCredentialChain } from "../../src/platform/credential_chain.ts";
import { createDemo } from "../../src/platform/demo.ts";
import { type FakeAws, type FakeKeys, mayServe, startFakeAws } from "../_fake_aws.ts";
import { API_KEY, REGION, RUNNING_ID, SEEDS, T0 } from "../_helpers.ts";

const canServe = await mayServe();
const HOUR = 3_600_000;
const HOME = "/home/dev";
const TOKEN = "eyJhbGciOiJSUzI1NiJ9.web-identity-token.signature";

function keys(id: string, clock: { at: number }, lifetimeMs = HOUR): FakeKeys {
  return {
    accessKeyId: `ASIA${id}`,
    secretAccessKey: `secret-of-${id}-wJalrXUtnFEMI`,
    sessionToken: `session-token-of-${id}`,
    expiration: new Date(clock.at + lifetimeMs),
  };
}

interface HostOptions {
  files?: Record<string, string>;
  fake?: FakeAws;
  run?: CredentialHost["runProcess"];
  clock?: { at: number };
}

/** A host whose chain finds web identity: role, token file `/t`, STS at `fake`. */
function webIdentityHost(fake: FakeAws, clock?: { at: number }): CredentialHost {
  return host({
    AWS_ROLE_ARN: "arn:aws:iam::1:role/r",
    AWS_WEB_IDENTITY_TOKEN_FILE: "/t",
    AWS_ENDPOINT_URL_STS: fake.base,
  }, { files: { "/t": TOKEN }, clock });
}

/** A host with no IMDS unless the test turns it on, files from a record. */
function host(env: Record<string, string>, options: HostOptions = {}): CredentialHost {
  const clock = options.clock ?? { at: T0 };
  const files = options.files ?? {};
  return {
    env: { HOME, AWS_EC2_METADATA_DISABLED: "true", ...env },
    // The container host is link-local; route it to the fake.
    fetch: (url, init) =>
      fetch(url.replace("http://169.254.170.2", options.fake?.base ?? ""), init),
    readFile: (path) => Promise.resolve(Object.hasOwn(files, path) ? files[path] : null),
    runProcess: options.run,
    now: () => new Date(clock.at),
  };
}

function serving(name: string, fn: (fake: FakeAws, clock: { at: number }) => Promise<void>) {
  Deno.test({
    name,
    ignore: !canServe,
    async fn() {
      const clock = { at: T0 };
      const fake = startFakeAws(keys("FIRST", clock));
      try {
        await fn(fake, clock);
      } finally {
        await fake.close();
      }
    },
  });
}

Deno.test("the INI reader keeps [profile name] and [name] apart, drops comments, reads sub-settings", () => {
  const sections = parseIni(
    [
      "# comment",
      "[default]",
      "region = eu-west-1 ; trailing comment",
      "[profile dev]",
      "aws_access_key_id=AKIDDEV",
      "s3 =",
      "  max_concurrent_requests = 20",
      "role_arn = arn:aws:iam::123456789012:role/a=b",
      "; another",
    ].join("\r\n"),
  );
  assertEquals(sections.default, { region: "eu-west-1" });
  assertEquals(sections["profile dev"], {
    aws_access_key_id: "AKIDDEV",
    s3: "",
    "s3.max_concurrent_requests": "20",
    role_arn: "arn:aws:iam::123456789012:role/a=b",
  });
  assertEquals(sections.dev, undefined);
});

Deno.test("credential_process is split as a shell splits words, without a shell", () => {
  assertEquals(splitCommand(`/usr/bin/aws-vault export --format=json 'my profile' "a \\"b\\""`), [
    "/usr/bin/aws-vault",
    "export",
    "--format=json",
    "my profile",
    'a "b"',
  ]);
  assertEquals(splitCommand(String.raw`run a\ b`), ["run", "a b"]);
});

Deno.test("environment keys come first, even with every other source configured", async () => {
  const chain = await findCredentials(host({
    AWS_ACCESS_KEY_ID: "AKIDENV",
    AWS_SECRET_ACCESS_KEY: "env-secret",
    AWS_SESSION_TOKEN: "env-token",
    AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/web",
    AWS_WEB_IDENTITY_TOKEN_FILE: "/token",
    AWS_PROFILE: "dev",
  }));
  assertEquals(chain.source?.name, "environment (AWS_ACCESS_KEY_ID)");
  assertEquals(await chain.source!.credentials(), {
    accessKeyId: "AKIDENV",
    secretAccessKey: "env-secret",
    sessionToken: "env-token",
  });
});

serving(
  "web identity calls AssumeRoleWithWebIdentity unsigned, on AWS_ENDPOINT_URL_STS",
  async (fake) => {
    const chain = await findCredentials(host({
      AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/web",
      AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token",
      AWS_ROLE_SESSION_NAME: "deploy-1",
      AWS_ENDPOINT_URL_STS: fake.base,
      AWS_ENDPOINT_URL: "http://127.0.0.1:9/not-this-one",
      AWS_PROFILE: "dev",
    }, {
      files: {
        "/var/run/token": `${TOKEN}\n`,
        [`${HOME}/.aws/credentials`]:
          "[dev]\naws_access_key_id=AKIDFILE\naws_secret_access_key=s\n",
      },
    }));
    assertEquals(chain.source?.name, "web identity (AWS_ROLE_ARN)");
    const credentials = await chain.source!.credentials();
    assertEquals(credentials.accessKeyId, "ASIAFIRST");
    assertEquals(credentials.sessionToken, "session-token-of-FIRST");
    const [call] = fake.seen;
    assertEquals(call.form.get("Action"), "AssumeRoleWithWebIdentity");
    assertEquals(call.form.get("Version"), "2011-06-15");
    assertEquals(call.form.get("RoleArn"), "arn:aws:iam::123456789012:role/web");
    assertEquals(call.form.get("RoleSessionName"), "deploy-1");
    assertEquals(call.form.get("WebIdentityToken"), TOKEN);
    assertEquals(call.headers.get("authorization"), null);
  },
);

serving(
  "a profile's role_arn with source_profile calls AssumeRole signed with the source's keys",
  async (fake) => {
    const files = {
      [`${HOME}/.aws/credentials`]:
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
      [`${HOME}/.aws/config`]:
        "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = base\nexternal_id = ext-1\nregion = eu-west-1\n",
    };
    const chain = await findCredentials(
      host({ AWS_PROFILE: "ops", AWS_ENDPOINT_URL: fake.base }, { files }),
    );
    assertEquals(chain.source?.name, 'shared files (profile "ops")');
    assertEquals((await chain.source!.credentials()).accessKeyId, "ASIAFIRST");
    const [call] = fake.seen;
    assertEquals(call.form.get("Action"), "AssumeRole");
    assertEquals(call.form.get("ExternalId"), "ext-1");
    assertMatch(call.form.get("RoleSessionName")!, /^workwork-\d+$/);
    assertMatch(
      call.headers.get("authorization")!,
      /^AWS4-HMAC-SHA256 Credential=AKIDBASE\/20261126\/eu-west-1\/sts\/aws4_request, /,
    );
  },
);

serving(
  "AWS_REGION, then AWS_DEFAULT_REGION, is the STS region before the profile's own",
  async (fake) => {
    const files = {
      [`${HOME}/.aws/config`]:
        "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\naws_access_key_id = AKIDSELF\naws_secret_access_key = s\nregion = eu-west-1\n",
    };
    for (
      const [env, region] of [
        [{ AWS_DEFAULT_REGION: "ap-south-1" }, "ap-south-1"],
        [{ AWS_DEFAULT_REGION: "ap-south-1", AWS_REGION: "us-east-2" }, "us-east-2"],
      ] as const
    ) {
      fake.seen.length = 0;
      const chain = await findCredentials(
        host({ ...env, AWS_ENDPOINT_URL_STS: fake.base }, { files }),
      );
      await chain.source!.credentials();
      assertMatch(
        fake.seen[0].headers.get("authorization")!,
        new RegExp(`AKIDSELF/20261126/${region}/sts/`),
      );
    }
  },
);

Deno.test("static keys and a session token come from the credentials file, which beats the config file", async () => {
  const files = {
    [`${HOME}/.aws/credentials`]:
      "[default]\naws_access_key_id = AKIDCRED\naws_secret_access_key = cred-secret\naws_session_token = cred-token\n",
    [`${HOME}/.aws/config`]:
      "[default]\naws_access_key_id = AKIDCONF\naws_secret_access_key = conf-secret\n",
  };
  const chain = await findCredentials(host({}, { files }));
  assertEquals(chain.source?.name, 'shared files (profile "default")');
  assertEquals(await chain.source!.credentials(), {
    accessKeyId: "AKIDCRED",
    secretAccessKey: "cred-secret",
    sessionToken: "cred-token",
  });
});

Deno.test("AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE move the files; [name] in config is not a profile", async () => {
  const files = {
    "/etc/aws/creds": "[dev]\naws_access_key_id = AKIDMOVED\naws_secret_access_key = s\n",
    "/etc/aws/config": "[other]\naws_access_key_id = AKIDNOT\naws_secret_access_key = s\n",
  };
  const env = { AWS_SHARED_CREDENTIALS_FILE: "/etc/aws/creds", AWS_CONFIG_FILE: "/etc/aws/config" };
  const dev = await findCredentials(host({ ...env, AWS_PROFILE: "dev" }, { files }));
  assertEquals((await dev.source!.credentials()).accessKeyId, "AKIDMOVED");
  const error = await assertRejects(
    () => findCredentials(host({ ...env, AWS_PROFILE: "other" }, { files })),
    ProfileError,
  );
  assertMatch(error.message, /AWS_PROFILE names profile "other"/);
});

Deno.test("credential_process runs the program and reads its Version 1 JSON", async () => {
  const ran: string[][] = [];
  const files = {
    [`${HOME}/.aws/config`]:
      '[profile tool]\ncredential_process = /opt/bin/creds --profile "a b"\n',
  };
  const chain = await findCredentials(host({ AWS_PROFILE: "tool" }, {
    files,
    run: (argv) => {
      ran.push(argv);
      return Promise.resolve({
        success: true,
        stdout: JSON.stringify({
          Version: 1,
          AccessKeyId: "AKIDPROC",
          SecretAccessKey: "proc-secret",
          SessionToken: "proc-token",
        }),
      });
    },
  }));
  assertEquals(await chain.source!.credentials(), {
    accessKeyId: "AKIDPROC",
    secretAccessKey: "proc-secret",
    sessionToken: "proc-token",
  });
  assertEquals(ran, [["/opt/bin/creds", "--profile", "a b"]]);
});

Deno.test("a credential_process that prints another Version fails naming the profile, not its output", async () => {
  const files = { [`${HOME}/.aws/config`]: "[profile tool]\ncredential_process = creds\n" };
  const chain = await findCredentials(host({ AWS_PROFILE: "tool" }, {
    files,
    run: () =>
      Promise.resolve({ success: true, stdout: '{"Version":2,"SecretAccessKey":"leak-me"}' }),
  }));
  const error = await assertRejects(() => chain.source!.credentials(), CredentialsError);
  assertMatch(error.message, /shared files \(profile "tool"\).*Version "2", not 1/);
  assertEquals(error.message.includes("leak-me"), false);
});

serving(
  "container credentials: the relative URI goes to 169.254.170.2, the token file beats the token",
  async (fake) => {
    const files = { "/run/token": "file-token\n" };
    const chain = await findCredentials(host({
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/container-credentials",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "env-token",
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/run/token",
    }, { files, fake }));
    assertEquals(chain.source?.name, "container credentials (AWS_CONTAINER_CREDENTIALS_*)");
    assertEquals((await chain.source!.credentials()).accessKeyId, "ASIAFIRST");
    assertEquals(fake.seen.map((r) => `${r.method} ${r.path} ${r.headers.get("authorization")}`), [
      "GET /container-credentials file-token",
    ]);
  },
);

serving(
  "container credentials: a full URI to loopback with AWS_CONTAINER_AUTHORIZATION_TOKEN",
  async (fake) => {
    const chain = await findCredentials(host({
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${fake.base}/container-credentials`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "env-token",
    }, { fake }));
    assertEquals((await chain.source!.credentials()).sessionToken, "session-token-of-FIRST");
    assertEquals(fake.seen[0].headers.get("authorization"), "env-token");
  },
);

Deno.test("a plain-http full container URI to another host stops start-up", async () => {
  for (
    const uri of ["http://169.254.169.254/creds", "http://example.com/creds", "ftp://127.0.0.1/"]
  ) {
    await assertRejects(
      () => findCredentials(host({ AWS_CONTAINER_CREDENTIALS_FULL_URI: uri })),
      ProfileError,
      "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https",
    );
  }
  const https = await findCredentials(
    host({ AWS_CONTAINER_CREDENTIALS_FULL_URI: "https://creds.example.com/x" }),
  );
  assertEquals(https.source?.name, "container credentials (AWS_CONTAINER_CREDENTIALS_*)");
});

serving(
  "IMDSv2: a session token with its TTL, the role's name, then its credentials",
  async (fake) => {
    const chain = await findCredentials(host({
      AWS_EC2_METADATA_DISABLED: "false",
      AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.base,
    }));
    assertEquals(chain.source?.name, `EC2 instance metadata (${fake.base})`);
    assertEquals((await chain.source!.credentials()).accessKeyId, "ASIAFIRST");
    assertEquals(
      fake.seen.map((r) =>
        `${r.method} ${r.path} ${
          r.headers.get("x-aws-ec2-metadata-token-ttl-seconds") ??
            r.headers.get("x-aws-ec2-metadata-token")
        }`
      ),
      [
        "PUT /latest/api/token 21600",
        "PUT /latest/api/token 21600",
        "GET /latest/meta-data/iam/security-credentials/ imds-session-token",
        "GET /latest/meta-data/iam/security-credentials/workwork-role imds-session-token",
      ],
    );
  },
);

serving(
  "no IMDSv2 token means no source: nothing found, and the chain says where it looked",
  async (fake) => {
    fake.metadata = null;
    const chain = await findCredentials(host({
      AWS_EC2_METADATA_DISABLED: "",
      AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.base,
    }));
    assertEquals(chain.source, null);
    assertEquals(chain.looked, [
      "environment (AWS_ACCESS_KEY_ID)",
      "web identity (AWS_ROLE_ARN)",
      `shared files (profile "default" in ${HOME}/.aws/credentials, ${HOME}/.aws/config)`,
      "container credentials (AWS_CONTAINER_CREDENTIALS_*)",
      `EC2 instance metadata (${fake.base})`,
    ]);
    assertEquals(fake.seen.map((r) => r.method), ["PUT"]);
  },
);

serving("AWS_EC2_METADATA_DISABLED=true asks IMDS nothing", async (fake) => {
  const chain = await findCredentials(host({ AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.base }));
  assertEquals(chain.source, null);
  assertEquals(chain.looked.at(-1), "EC2 instance metadata (off: AWS_EC2_METADATA_DISABLED)");
  assertEquals(fake.seen, []);
});

serving("precedence: web identity over files over container over IMDS", async (fake) => {
  const files = {
    "/t": TOKEN,
    [`${HOME}/.aws/credentials`]:
      "[default]\naws_access_key_id=AKIDFILE\naws_secret_access_key=s\n",
  };
  const all = {
    AWS_ROLE_ARN: "arn:aws:iam::1:role/r",
    AWS_WEB_IDENTITY_TOKEN_FILE: "/t",
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `${fake.base}/container-credentials`,
    AWS_EC2_METADATA_DISABLED: "false",
    AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.base,
  };
  const names = [];
  for (
    const drop of [[], ["AWS_ROLE_ARN"], ["AWS_ROLE_ARN", "files"], [
      "AWS_ROLE_ARN",
      "files",
      "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ]]
  ) {
    const env: Record<string, string> = { ...all };
    for (const name of drop) delete env[name];
    const chain = await findCredentials(host(env, { files: drop.includes("files") ? {} : files }));
    names.push(chain.source?.name);
  }
  assertEquals(names, [
    "web identity (AWS_ROLE_ARN)",
    'shared files (profile "default")',
    "container credentials (AWS_CONTAINER_CREDENTIALS_*)",
    `EC2 instance metadata (${fake.base})`,
  ]);
});

serving(
  "credentials are refreshed 5 minutes before they expire, one refresh for concurrent callers",
  async (fake, clock) => {
    const chain = await findCredentials(webIdentityHost(fake, clock));
    const source = chain.source!;
    assertEquals((await source.credentials()).accessKeyId, "ASIAFIRST");
    clock.at = T0 + HOUR - 6 * 60_000;
    assertEquals((await source.credentials()).accessKeyId, "ASIAFIRST");
    assertEquals(fake.seen.length, 1);

    clock.at = T0 + HOUR - 4 * 60_000;
    fake.sts = { keys: keys("SECOND", clock) };
    let open!: () => void;
    fake.stsGate = new Promise((resolve) => open = resolve);
    const callers = Array.from({ length: 5 }, () => source.credentials());
    // Let every caller reach the refresh before STS answers (bounded: a chain
    // that does not refresh fails below instead of hanging).
    for (let turn = 0; turn < 500 && fake.seen.length < 2; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    open();
    const got = await Promise.all(callers);
    assertEquals(got.map((c) => c.accessKeyId), Array(5).fill("ASIASECOND"));
    assertEquals(fake.seen.length, 2);
  },
);

serving(
  "a failed refresh keeps credentials that are still valid, and fails once they expired",
  async (fake, clock) => {
    const chain = await findCredentials(webIdentityHost(fake, clock));
    await chain.source!.credentials();
    fake.sts = { errorCode: "ExpiredTokenException", message: "Token expired" };
    clock.at = T0 + HOUR - 60_000;
    assertEquals((await chain.source!.credentials()).accessKeyId, "ASIAFIRST");
    clock.at = T0 + HOUR + 1;
    const error = await assertRejects(() => chain.source!.credentials(), CredentialsError);
    assertMatch(
      error.message,
      /web identity \(AWS_ROLE_ARN\).*STS refused AssumeRoleWithWebIdentity \("ExpiredTokenException"\)/,
    );
  },
);

serving(
  "a failing source answers 503 aws naming it, with no secret, and EC2 is not called",
  async (fake) => {
    fake.sts = { errorCode: "AccessDenied", message: `Not authorized; token ${TOKEN}` };
    const simulator = new Ec2Simulator({ instances: SEEDS });
    const service = await createService({ API_KEY }, {
      fetch: simulator.fetch,
      credentialChain: walkCredentialChain(webIdentityHost(fake)),
    });
    assertEquals(service.credentials.source, "web identity (AWS_ROLE_ARN)");
    const response = await service.app.request(`/instance/${REGION}/${RUNNING_ID}`, {
      headers: { "x-api-key": API_KEY },
    });
    assertEquals(response.status, 503);
    const text = await response.text();
    const body = JSON.parse(text);
    assertEquals(body.errors[0].id, "aws");
    assertMatch(
      body.errors[0].title,
      /^AWS credentials from web identity \(AWS_ROLE_ARN\) are unavailable: STS refused .*"AccessDenied"/,
    );
    assertEquals(text.includes(TOKEN) || text.includes("Not authorized"), false);
    assertEquals(simulator.calls.length, 0);
  },
);

serving(
  "the EC2 client signs with the refreshed keys once the chain refreshes",
  async (fake, clock) => {
    const simulator = new Ec2Simulator({ instances: SEEDS });
    const signedWith: string[] = [];
    const service = await createService({ API_KEY }, {
      fetch: (url, init) => {
        signedWith.push(
          new Headers(init.headers).get("authorization")!.match(/Credential=(\w+)\//)![1],
        );
        return simulator.fetch(url, init);
      },
      credentialChain: walkCredentialChain(host({
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${fake.base}/container-credentials`,
      }, { fake, clock })),
    });
    const read = () =>
      service.app.request(`/instance/${REGION}/${RUNNING_ID}`, {
        headers: { "x-api-key": API_KEY },
      });
    assertEquals((await read()).status, 200);
    fake.metadata = keys("SECOND", clock, 2 * HOUR);
    clock.at = T0 + HOUR - 60_000;
    assertEquals((await read()).status, 200);
    assertEquals(signedWith, ["ASIAFIRST", "ASIASECOND"]);
  },
);

Deno.test("an AWS_PROFILE that cannot be read stops start-up naming it", async () => {
  const error = await assertRejects(
    () =>
      createService({ API_KEY }, {
        credentialChain: walkCredentialChain(host({ AWS_PROFILE: "prod" })),
      }),
    ConfigError,
  );
  assertMatch(
    error.message,
    /AWS_PROFILE names profile "prod", which neither "\/home\/dev\/.aws\/credentials" nor "\/home\/dev\/.aws\/config" holds/,
  );

  const unreadable: CredentialHost = {
    ...host({ AWS_PROFILE: "prod" }),
    readFile: () =>
      Promise.reject(new Error("read access is not granted: add the path to --allow-read")),
  };
  const denied = await assertRejects(
    () => createService({ API_KEY }, { credentialChain: walkCredentialChain(unreadable) }),
    ConfigError,
  );
  assertMatch(
    denied.message,
    /Cannot read "\/home\/dev\/.aws\/credentials" for AWS profile "prod": read access/,
  );
});

Deno.test("a broken profile stops start-up naming it and the setting, never a value", async () => {
  const cases: [string, RegExp][] = [
    ["[profile p]\naws_access_key_id = AKIDHALF\n", /profile "p" is missing aws_secret_access_key/],
    [
      "[profile p]\nrole_arn = arn:aws:iam::1:role/r\n",
      /profile "p" has role_arn but no source_profile/,
    ],
    [
      "[profile p]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = q\n[profile q]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = p\n",
      /source_profile loop/,
    ],
    [
      "[profile p]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = p\nmfa_serial = arn:aws:iam::1:mfa/u\n",
      /needs an MFA code/,
    ],
  ];
  for (const [config, message] of cases) {
    const error = await assertRejects(
      () =>
        createService({ API_KEY }, {
          credentialChain: walkCredentialChain(host({ AWS_PROFILE: "p" }, {
            files: { [`${HOME}/.aws/config`]: config },
          })),
        }),
      ConfigError,
    );
    assertMatch(error.message, message);
    assert(!error.message.includes("AKIDHALF"));
  }
});

Deno.test("nothing found anywhere: demo on a local run, the places looked kept for the banner", async () => {
  const service = await createService({}, {
    demoWithoutCredentials: true,
    demo: createDemo,
    credentialChain: walkCredentialChain(host({})),
  });
  assert(service.simulator);
  assertEquals(service.credentials.source, null);
  assertEquals(service.credentials.looked.length, 5);
  const found = await createService({}, {
    demoWithoutCredentials: true,
    demo: createDemo,
    credentialChain: walkCredentialChain(host({}, {
      files: {
        [`${HOME}/.aws/credentials`]: "[default]\naws_access_key_id=A\naws_secret_access_key=s\n",
      },
    })),
  }).catch((error) => error);
  // Credentials found: no demo, so API_KEY is required as for any real run.
  assert(found instanceof ConfigError);
  assertMatch(found.message, /API_KEY is required/);
});

serving(
  "a profile's role_arn with web_identity_token_file calls AssumeRoleWithWebIdentity",
  async (fake) => {
    const files = {
      [`${HOME}/.aws/config`]:
        "[profile ci]\nrole_arn = arn:aws:iam::123456789012:role/ci\nweb_identity_token_file = ~/token\nrole_session_name = ci-run\n",
      [`${HOME}/token`]: TOKEN,
    };
    const chain = await findCredentials(
      host({ AWS_PROFILE: "ci", AWS_ENDPOINT_URL_STS: fake.base }, { files }),
    );
    assertEquals((await chain.source!.credentials()).accessKeyId, "ASIAFIRST");
    assertEquals(fake.seen[0].form.get("Action"), "AssumeRoleWithWebIdentity");
    assertEquals(fake.seen[0].form.get("WebIdentityToken"), TOKEN);
    assertEquals(fake.seen[0].form.get("RoleSessionName"), "ci-run");
  },
);
