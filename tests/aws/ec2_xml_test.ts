import { assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import { Ec2Error, Ec2TransportError } from "../../src/aws/ec2_errors.ts";
import {
  readDescribeInstances,
  readError,
  readReturn,
  readStateChanges,
  RETURN_FALSE_CODE,
  textWithoutUnreadElements,
  withoutUnreadElements,
} from "../../src/aws/ec2_xml.ts";
import { describeInstancesXml } from "../../bench/_fixtures.ts";
import {
  DESCRIBE_EMPTY,
  DESCRIBE_ONE_RUNNING,
  DESCRIBE_ONE_STOPPED,
  DESCRIBE_TWO_RESERVATIONS,
  ERROR_NOT_FOUND,
  HTML_BAD_GATEWAY,
  REBOOT_INSTANCES,
  START_INSTANCES,
} from "../_fixtures.ts";

Deno.test("DescribeInstances keeps every tag value as the exact string EC2 sent", () => {
  const page = readDescribeInstances(DESCRIBE_ONE_RUNNING);
  assertEquals(page.instances.length, 1);
  assertEquals(page.instances[0].tags, {
    Name: "Tom & Jerry <dev>",
    agent: "007",
    version: "1.10",
    account: "012345678901",
    padded: " spaced ",
    start_time: "2016-02-16T18:04:09.006739",
  });
});

Deno.test("DescribeInstances reads a single running instance's fields", () => {
  const { instances, requestId, nextToken } = readDescribeInstances(DESCRIBE_ONE_RUNNING);
  assertEquals(requestId, "8f7724cf-496f-496e-8fe3-example");
  assertEquals(nextToken, null);
  assertEquals({ ...instances[0], tags: {} }, {
    id: "i-1234567890abcdef0",
    state: "running",
    type: "t2.micro",
    launchTime: "2018-05-08T16:46:19.000Z",
    publicDnsName: "ec2-54-194-252-215.eu-west-1.compute.amazonaws.com",
    publicIpAddress: "54.194.252.215",
    ipv6Address: null,
    privateIpAddress: "192.168.1.88",
    availabilityZone: "eu-west-1c",
    tags: {},
  });
});

Deno.test("DescribeInstances turns <dnsName/>, a missing ipAddress and <tagSet/> into null and {}", () => {
  const page = readDescribeInstances(DESCRIBE_ONE_STOPPED);
  const [instance] = page.instances;
  assertEquals(instance.publicDnsName, null);
  assertEquals(instance.publicIpAddress, null);
  assertEquals(instance.tags, {});
  assertEquals(instance.state, "stopped");
});

Deno.test("DescribeInstances reads an empty <nextToken/> as the end of the listing", () => {
  assertEquals(readDescribeInstances(DESCRIBE_ONE_STOPPED).nextToken, null);
});

Deno.test("DescribeInstances reads every reservation and the next page's token", () => {
  const page = readDescribeInstances(DESCRIBE_TWO_RESERVATIONS);
  assertEquals(page.instances.map(({ id, state }) => [id, state]), [
    ["i-aaaaaaaa", "pending"],
    ["i-bbbbbbbb", "stopping"],
  ]);
  assertEquals(page.nextToken, "eyJ2IjoiMiJ9");
});

Deno.test("DescribeInstances reads <reservationSet/> as no instances", () => {
  assertEquals(readDescribeInstances(DESCRIBE_EMPTY).instances, []);
});

Deno.test("StartInstances answers are read as state changes", () => {
  assertEquals(readStateChanges("StartInstances", START_INSTANCES), {
    requestId: "59dbff89-35bd-4eac-99ed-be587EXAMPLE",
    changes: [{
      instanceId: "i-1234567890abcdef0",
      currentState: "pending",
      previousState: "stopped",
    }],
  });
});

Deno.test("RebootInstances' <return>true</return> is read, and a false one refused", () => {
  assertEquals(
    readReturn("RebootInstances", REBOOT_INSTANCES).requestId,
    "59dbff89-35bd-4eac-99ed-be587EXAMPLE",
  );
  const error = assertThrows(
    () => readReturn("RebootInstances", REBOOT_INSTANCES.replace("true", "false")),
    Ec2Error,
    'EC2 answered RebootInstances with return "false"',
  );
  assertEquals(error.code, RETURN_FALSE_CODE);
  assertEquals(error.requestId, "59dbff89-35bd-4eac-99ed-be587EXAMPLE");
});

Deno.test("the error envelope becomes an Ec2Error with code, message and RequestID", () => {
  const error = readError(ERROR_NOT_FOUND, 400);
  assertInstanceOf(error, Ec2Error);
  assertEquals(error.code, "InvalidInstanceID.NotFound");
  assertEquals(error.message, "The instance ID 'i-1a2b3c4d' does not exist");
  assertEquals(error.requestId, "ea966190-f9aa-478e-9ede-example");
  assertEquals(error.status, 400);
});

Deno.test("an HTML error page is a protocol failure that keeps its status", () => {
  const error = readError(HTML_BAD_GATEWAY, 502);
  assertInstanceOf(error, Ec2TransportError);
  assertEquals(error.failure, "protocol");
  assertEquals(error.status, 502);
});

Deno.test("answers that are not EC2 XML are refused with a message naming why", () => {
  const cases: [string, string][] = [
    [HTML_BAD_GATEWAY, 'root element is "html"'],
    ["not xml at all", "it is not XML"],
    ["", "it is not XML"],
    [DESCRIBE_ONE_RUNNING.slice(0, DESCRIBE_ONE_RUNNING.length / 2), "Cannot parse EC2 response"],
    [
      DESCRIBE_ONE_RUNNING.slice(0, DESCRIBE_ONE_RUNNING.indexOf("</reservationSet>") + 17),
      "truncated",
    ],
    [ERROR_NOT_FOUND, 'root element is "Response"'],
    [
      `<!DOCTYPE x [<!ENTITY a "aaaa">]><DescribeInstancesResponse></DescribeInstancesResponse>`,
      "DOCTYPE",
    ],
  ];
  for (const [body, message] of cases) {
    const error = assertThrows(() => readDescribeInstances(body), Ec2TransportError, message);
    assertEquals(error.failure, "protocol");
  }
});

Deno.test("numeric character references and the XML five are decoded; HTML names are not XML", () => {
  const xml = DESCRIBE_ONE_STOPPED.replace(
    "<tagSet/>",
    "<tagSet><item><key>Name</key><value>caf&#233; &#x1F600; &lt;Tom &amp; Jerry&gt; &quot;&apos; &nbsp;&copy; &#38;amp;</value></item></tagSet>",
  );
  assertEquals(
    readDescribeInstances(xml).instances[0].tags.Name,
    `café 😀 <Tom & Jerry> "' &nbsp;&copy; &amp;`,
  );
});

// A real item's network interface, state reason and block devices repeat
// names the reader looks for; only the instance's own may count.
const WITH_SUBTREES = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>rid-subtrees</requestId>
    <reservationSet>
        <item>
            <reservationId>r-1</reservationId>
            <groupSet><item><groupId>sg-1</groupId><groupName>name-of-group</groupName></item></groupSet>
            <instancesSet>
                <item>
                    <instanceId>i-0123456789abcdef0</instanceId>
                    <stateReason><code>Client.UserInitiatedShutdown</code><message>User initiated</message></stateReason>
                    <instanceState><code>80</code><name>stopped</name></instanceState>
                    <dnsName/>
                    <instanceType>t3.small</instanceType>
                    <networkInterfaceSet>
                        <item>
                            <privateIpAddress>10.9.9.9</privateIpAddress>
                            <association><publicIp>54.9.9.9</publicIp></association>
                            <groupSet><item><groupName>eni-group</groupName></item></groupSet>
                        </item>
                    </networkInterfaceSet>
                    <blockDeviceMapping><item><deviceName>/dev/xvda</deviceName></item></blockDeviceMapping>
                    <placement><availabilityZone>us-west-2a</availabilityZone><groupName/></placement>
                    <tagSet>
                        <item><key>blank</key><value>   </value></item>
                        <item><key>arrow</key><value>a > b</value></item>
                        <item><key>empty</key><value/></item>
                    </tagSet>
                    <futureOptions><name>not the state</name></futureOptions>
                </item>
            </instancesSet>
        </item>
    </reservationSet>
</DescribeInstancesResponse>`;

Deno.test("DescribeInstances reads the instance's own fields, never those of its subtrees", () => {
  const { instances, requestId } = readDescribeInstances(WITH_SUBTREES);
  assertEquals(requestId, "rid-subtrees");
  assertEquals(instances, [{
    id: "i-0123456789abcdef0",
    state: "stopped",
    type: "t3.small",
    launchTime: null,
    publicDnsName: null,
    publicIpAddress: null,
    ipv6Address: null,
    privateIpAddress: null,
    availabilityZone: "us-west-2a",
    tags: { blank: "   ", arrow: "a > b", empty: "" },
  }]);
});

Deno.test("DescribeInstances reads the instance's IPv6 address, not its network interfaces' lists", () => {
  // EC2 puts the primary interface's primary IPv6 in the instance's own
  // ipv6Address; the interfaces repeat it (and others) in ipv6AddressesSet.
  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html
  const xml = DESCRIBE_ONE_RUNNING.replace(
    "</instanceType>",
    `</instanceType><ipv6Address>2600:1f14:9c2:4b00::10</ipv6Address>
    <networkInterfaceSet><item><networkInterfaceId>eni-0a1b</networkInterfaceId>
      <ipv6AddressesSet><item><ipv6Address>2600:1f14:9c2:4b00::99</ipv6Address>
      <isPrimaryIpv6>false</isPrimaryIpv6></item></ipv6AddressesSet></item></networkInterfaceSet>`,
  );
  const [instance] = readDescribeInstances(xml).instances;
  assertEquals(instance.ipv6Address, "2600:1f14:9c2:4b00::10");
  assertEquals(
    readDescribeInstances(withoutUnreadElements(xml)).instances[0].ipv6Address,
    "2600:1f14:9c2:4b00::10",
  );
  assertEquals(readDescribeInstances(DESCRIBE_ONE_RUNNING).instances[0].ipv6Address, null);
});

Deno.test("an answer cut short inside a subtree the reader skips is refused as truncated", () => {
  const cut = DESCRIBE_ONE_RUNNING.slice(0, DESCRIBE_ONE_RUNNING.indexOf("</blockDeviceMapping>"));
  assertThrows(() => readDescribeInstances(cut), Ec2TransportError, "truncated");
});

/** `text` as a body arriving in pieces of `size` bytes, without a Content-Length. */
function arriving(text: string, size: number): Response {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new Response(
    new ReadableStream({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, at += size));
      },
    }),
  );
}

Deno.test("an answer cut as it arrives is cut exactly as when whole, wherever its pieces break", async () => {
  // Multi-byte characters, an unread subtree holding read names, unread leaves, spaces.
  const xml = WITH_SUBTREES.replace("<value>   </value>", "<value> café 😀 &amp; </value>");
  const whole = withoutUnreadElements(xml);
  for (const size of [1, 2, 3, 5, 8, 13, 21, 64, 377, xml.length]) {
    assertEquals(await textWithoutUnreadElements(arriving(xml, size)), whole, `${size} bytes`);
  }
  assertEquals(readDescribeInstances(whole), readDescribeInstances(xml));
  assertEquals(readDescribeInstances(whole).instances[0].tags.blank, " café 😀 & ");
  // Three real-sized instances: every element a real answer has.
  const real = describeInstancesXml(3);
  for (const size of [1, 10, 99, 1000]) {
    const text = await textWithoutUnreadElements(arriving(real, size));
    assertEquals(text, withoutUnreadElements(real), `${size} bytes`);
  }
});

Deno.test("a large answer in one piece and a small one with its length give the whole text's cut", async () => {
  // 60 real-sized instances, ~350 KB, in one piece: cut 64 KiB at a time.
  const large = describeInstancesXml(60);
  const cut = await textWithoutUnreadElements(new Response(large));
  assertEquals(cut, withoutUnreadElements(large));
  assertEquals(readDescribeInstances(cut), readDescribeInstances(large));
  assertEquals(readDescribeInstances(cut).instances.length, 60);
  const small = new Response(DESCRIBE_ONE_RUNNING, {
    headers: { "content-length": String(new TextEncoder().encode(DESCRIBE_ONE_RUNNING).length) },
  });
  assertEquals(await textWithoutUnreadElements(small), withoutUnreadElements(DESCRIBE_ONE_RUNNING));
  assertEquals(await textWithoutUnreadElements(new Response(null)), "");
});

Deno.test("an answer that ends inside a subtree the reader cuts is still refused as truncated", async () => {
  const cut = DESCRIBE_ONE_RUNNING.slice(0, DESCRIBE_ONE_RUNNING.indexOf("</blockDeviceMapping>"));
  const text = await textWithoutUnreadElements(arriving(cut, 100));
  assertThrows(() => readDescribeInstances(text), Ec2TransportError, "truncated");
});

Deno.test("an unread subtree too long to wait for is kept, and reads the same", async () => {
  // ~300 KB of network interfaces, each with a private address of its own.
  const unit = "<item><privateIpAddress>10.9.9.9</privateIpAddress><x>y</x></item>";
  const long = `<networkInterfaceSet>${unit.repeat(5_000)}</networkInterfaceSet>`;
  const xml = WITH_SUBTREES.replace("<dnsName/>", `<dnsName/>${long}`);
  const text = await textWithoutUnreadElements(arriving(xml, 64 * 1024));
  assertEquals(text.includes("<networkInterfaceSet>"), true);
  assertEquals(text.includes("<x>"), false);
  assertEquals(readDescribeInstances(text), readDescribeInstances(xml));
  assertEquals(readDescribeInstances(text).instances[0].privateIpAddress, null);
});

Deno.test("hostile answers that never close are read as the whole text is", async () => {
  const head = "<DescribeInstancesResponse><requestId>r</requestId><reservationSet><item>";
  const unit = "<item><privateIpAddress>10.0.0.1</privateIpAddress></item>";
  for (
    const xml of [
      `${head}<instancesSet><item><networkInterfaceSet>${unit.repeat(20_000)}`,
      `${head}${"x".repeat(1_000_000)}`,
    ]
  ) {
    const text = await textWithoutUnreadElements(arriving(xml, 64 * 1024));
    const whole = assertThrows(() => readDescribeInstances(xml), Ec2TransportError);
    const streamed = assertThrows(() => readDescribeInstances(text), Ec2TransportError);
    assertEquals(streamed.message, whole.message);
  }
});

Deno.test("an instance item without an instanceId describes no instance, cut or not", async () => {
  const xml = DESCRIBE_ONE_STOPPED.replace(
    "</instancesSet>",
    "<item><amiLaunchIndex>0</amiLaunchIndex></item><item/></instancesSet>",
  );
  const ids = (text: string) => readDescribeInstances(text).instances.map(({ id }) => id);
  const [only] = ids(DESCRIBE_ONE_STOPPED);
  assertEquals(ids(xml), [only]);
  assertEquals(ids(withoutUnreadElements(xml)), [only]);
  assertEquals(ids(await textWithoutUnreadElements(arriving(xml, 1))), [only]);
});

Deno.test("an answer with two root elements is refused", () => {
  const error = assertThrows(
    () => readDescribeInstances(DESCRIBE_EMPTY + DESCRIBE_EMPTY.replace(/^<\?xml[^>]*>/, "")),
    Ec2TransportError,
    "2 root elements",
  );
  assertEquals(error.failure, "protocol");
});

Deno.test("many unclosed start tags of an unread subtree are cut as the whole text is", async () => {
  const xml = `<DescribeInstancesResponse>${"<monitoring>".repeat(50_000)}`;
  const text = await textWithoutUnreadElements(arriving(xml, 64 * 1024));
  assertEquals(text, withoutUnreadElements(xml));
  assertThrows(() => readDescribeInstances(text), Ec2TransportError);
});
