/**
 * EC2 answers in two dialects, for the parser tests: as AWS sends them
 * (shapes from the EC2 API reference's examples), and as moto's server sends
 * them (recorded, byte for byte, from `moto_server` 5.2.1; the `MOTO_*`
 * constants at the end). `tests/moto_test.ts` checks that a live moto still
 * answers in the recorded shapes.
 */

/** One reservation, one running instance, with the traps: leading zeros, "007", "1.10", `&amp;`. */
export const DESCRIBE_ONE_RUNNING = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>8f7724cf-496f-496e-8fe3-example</requestId>
    <reservationSet>
        <item>
            <reservationId>r-1234567890abcdef0</reservationId>
            <ownerId>012345678901</ownerId>
            <groupSet/>
            <instancesSet>
                <item>
                    <instanceId>i-1234567890abcdef0</instanceId>
                    <imageId>ami-0abcdef1234567890</imageId>
                    <instanceState>
                        <code>16</code>
                        <name>running</name>
                    </instanceState>
                    <privateDnsName>ip-192-168-1-88.eu-west-1.compute.internal</privateDnsName>
                    <dnsName>ec2-54-194-252-215.eu-west-1.compute.amazonaws.com</dnsName>
                    <reason/>
                    <keyName>my_keypair</keyName>
                    <amiLaunchIndex>0</amiLaunchIndex>
                    <productCodes/>
                    <instanceType>t2.micro</instanceType>
                    <launchTime>2018-05-08T16:46:19.000Z</launchTime>
                    <placement>
                        <availabilityZone>eu-west-1c</availabilityZone>
                        <groupName/>
                        <tenancy>default</tenancy>
                    </placement>
                    <monitoring>
                        <state>disabled</state>
                    </monitoring>
                    <subnetId>subnet-56f5f000</subnetId>
                    <vpcId>vpc-11112222</vpcId>
                    <privateIpAddress>192.168.1.88</privateIpAddress>
                    <ipAddress>54.194.252.215</ipAddress>
                    <sourceDestCheck>true</sourceDestCheck>
                    <groupSet>
                        <item>
                            <groupId>sg-e4076980</groupId>
                            <groupName>SecurityGroup1</groupName>
                        </item>
                    </groupSet>
                    <architecture>x86_64</architecture>
                    <rootDeviceType>ebs</rootDeviceType>
                    <rootDeviceName>/dev/xvda</rootDeviceName>
                    <blockDeviceMapping>
                        <item>
                            <deviceName>/dev/xvda</deviceName>
                            <ebs>
                                <volumeId>vol-1234567890abcdef0</volumeId>
                                <status>attached</status>
                                <attachTime>2015-12-22T10:44:09.000Z</attachTime>
                                <deleteOnTermination>true</deleteOnTermination>
                            </ebs>
                        </item>
                    </blockDeviceMapping>
                    <virtualizationType>hvm</virtualizationType>
                    <clientToken>xMcwG14507example</clientToken>
                    <tagSet>
                        <item>
                            <key>Name</key>
                            <value>Tom &amp; Jerry &lt;dev&gt;</value>
                        </item>
                        <item>
                            <key>agent</key>
                            <value>007</value>
                        </item>
                        <item>
                            <key>version</key>
                            <value>1.10</value>
                        </item>
                        <item>
                            <key>account</key>
                            <value>012345678901</value>
                        </item>
                        <item>
                            <key>padded</key>
                            <value> spaced </value>
                        </item>
                        <item>
                            <key>start_time</key>
                            <value>2016-02-16T18:04:09.006739</value>
                        </item>
                    </tagSet>
                    <hypervisor>xen</hypervisor>
                    <networkInterfaceSet/>
                    <ebsOptimized>false</ebsOptimized>
                </item>
            </instancesSet>
        </item>
    </reservationSet>
</DescribeInstancesResponse>`;

/** A stopped instance: empty `<dnsName/>`, no `<ipAddress>`, empty `<tagSet/>`, and an empty `<nextToken/>`. */
export const DESCRIBE_ONE_STOPPED = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>a4b2c3d4-0000-4000-8000-example</requestId>
    <reservationSet>
        <item>
            <reservationId>r-0abcdef1234567890</reservationId>
            <ownerId>012345678901</ownerId>
            <groupSet/>
            <instancesSet>
                <item>
                    <instanceId>i-0abcdef1234567890</instanceId>
                    <instanceState><code>80</code><name>stopped</name></instanceState>
                    <privateDnsName>ip-10-0-0-12.us-west-2.compute.internal</privateDnsName>
                    <dnsName/>
                    <instanceType>t3.nano</instanceType>
                    <launchTime>2026-11-20T08:00:00.000Z</launchTime>
                    <placement><availabilityZone>us-west-2a</availabilityZone></placement>
                    <privateIpAddress>10.0.0.12</privateIpAddress>
                    <tagSet/>
                </item>
            </instancesSet>
        </item>
    </reservationSet>
    <nextToken/>
</DescribeInstancesResponse>`;

/** Two reservations with two instances between them, and a token for the next page. */
export const DESCRIBE_TWO_RESERVATIONS = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>req-two</requestId>
    <reservationSet>
        <item>
            <reservationId>r-1</reservationId>
            <instancesSet>
                <item><instanceId>i-aaaaaaaa</instanceId><instanceState><code>0</code><name>pending</name></instanceState><instanceType>t3.micro</instanceType><tagSet/></item>
            </instancesSet>
        </item>
        <item>
            <reservationId>r-2</reservationId>
            <instancesSet>
                <item><instanceId>i-bbbbbbbb</instanceId><instanceState><code>64</code><name>stopping</name></instanceState><instanceType>t3.large</instanceType><tagSet/></item>
            </instancesSet>
        </item>
    </reservationSet>
    <nextToken>eyJ2IjoiMiJ9</nextToken>
</DescribeInstancesResponse>`;

/** No reservation at all. */
export const DESCRIBE_EMPTY = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>req-empty</requestId>
    <reservationSet/>
</DescribeInstancesResponse>`;

/** StartInstances, from the API reference. */
export const START_INSTANCES =
  `<StartInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
  <instancesSet>
    <item>
      <instanceId>i-1234567890abcdef0</instanceId>
      <currentState>
          <code>0</code>
          <name>pending</name>
      </currentState>
      <previousState>
          <code>80</code>
          <name>stopped</name>
      </previousState>
    </item>
  </instancesSet>
</StartInstancesResponse>`;

/** RebootInstances, from the API reference. */
export const REBOOT_INSTANCES =
  `<RebootInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
  <return>true</return>
</RebootInstancesResponse>`;

/** StopInstances, from the API reference. */
export const STOP_INSTANCES =
  `<StopInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
  <instancesSet>
    <item>
      <instanceId>i-1234567890abcdef0</instanceId>
      <currentState>
          <code>64</code>
          <name>stopping</name>
      </currentState>
      <previousState>
          <code>16</code>
          <name>running</name>
      </previousState>
    </item>
  </instancesSet>
</StopInstancesResponse>`;

/** CreateTags, from the API reference. */
export const CREATE_TAGS = `<CreateTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
   <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>
   <return>true</return>
</CreateTagsResponse>`;

/** The error envelope; note `RequestID`, unlike `requestId` in successes. */
export const ERROR_NOT_FOUND = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID 'i-1a2b3c4d' does not exist</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>`;

/** A load balancer's HTML error page. */
export const HTML_BAD_GATEWAY = `<html>
<head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center></body>
</html>`;

// moto's dialect, recorded from moto_server 5.2.1: an XML declaration with
// "utf-8", the namespace without its trailing slash, no whitespace, requestId
// last (always the text "request-id"), no <return> at all, the error root with
// a namespace, Content-Type "text/xml". The instance was launched with tags
// Name="Tom & Jerry <dev>" and agent="007"; start_time was written by CreateTags.

/** DescribeInstances of one running instance: requestId last, the instance's own fields after its subtrees, tags `&` and `"007"`. */
export const MOTO_DESCRIBE_RUNNING = `<?xml version="1.0" encoding="utf-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><reservationSet><item><reservationId>r-ce5e40dc73d1432e9</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet><item><architecture>x86_64</architecture><blockDeviceMapping><item><deviceName>/dev/sda1</deviceName><ebs><attachTime>2026-12-01T08:59:39.000Z</attachTime><deleteOnTermination>true</deleteOnTermination><status>attached</status><volumeId>vol-90a9f197363f0197b</volumeId></ebs></item></blockDeviceMapping><clientToken>ABCDE</clientToken><ebsOptimized>false</ebsOptimized><hypervisor>xen</hypervisor><networkInterfaceSet><item><association><ipOwnerId>123456789012</ipOwnerId><publicDnsName>ip-54-214-80-210.ec2.internal</publicDnsName><publicIp>54.214.80.210</publicIp></association><attachment><attachTime>2026-12-01T08:59:39.000Z</attachTime><attachmentId>eni-attach-e72f317a1f46baa0b</attachmentId><deleteOnTermination>false</deleteOnTermination><deviceIndex>0</deviceIndex><status>attached</status><networkCardIndex>0</networkCardIndex></attachment><description>Primary network interface</description><groupSet><item><groupId>sg-9eaf636c2e4db7f2f</groupId><groupName>default</groupName></item></groupSet><ipv6AddressesSet/><macAddress>02:00:00:1a:0f:10</macAddress><networkInterfaceId>eni-133fa90f310d7f520</networkInterfaceId><ownerId>123456789012</ownerId><privateDnsName>ip-10-76-11-196.ec2.internal</privateDnsName><privateIpAddress>10.76.11.196</privateIpAddress><privateIpAddressesSet><item><association><ipOwnerId>123456789012</ipOwnerId><publicDnsName>ip-54-214-80-210.ec2.internal</publicDnsName><publicIp>54.214.80.210</publicIp></association><primary>true</primary><privateIpAddress>10.76.11.196</privateIpAddress></item></privateIpAddressesSet><sourceDestCheck>true</sourceDestCheck><status>in-use</status><subnetId>subnet-445824cce6dc0528d</subnetId><vpcId>vpc-9213cff8f12f462b1</vpcId><interfaceType>interface</interfaceType></item></networkInterfaceSet><rootDeviceName>/dev/sda1</rootDeviceName><rootDeviceType>ebs</rootDeviceType><groupSet/><sourceDestCheck>true</sourceDestCheck><sriovNetSupport>simple</sriovNetSupport><stateReason><code/><message/></stateReason><tagSet><item><key>Name</key><value>Tom &amp; Jerry &lt;dev&gt;</value></item><item><key>agent</key><value>007</value></item></tagSet><virtualizationType>hvm</virtualizationType><hibernationOptions/><metadataOptions><state>applied</state><httpTokens>optional</httpTokens><httpPutResponseHopLimit>1</httpPutResponseHopLimit><httpEndpoint>enabled</httpEndpoint><httpProtocolIpv6>disabled</httpProtocolIpv6><instanceMetadataTags>disabled</instanceMetadataTags></metadataOptions><instanceId>i-b1f7ef00599b935c2</instanceId><imageId>ami-03cf127a</imageId><instanceState><code>16</code><name>running</name></instanceState><privateDnsName>ip-10-76-11-196.us-west-2.compute.internal</privateDnsName><dnsName>ec2-54-214-80-210.us-west-2.compute.amazonaws.com</dnsName><reason/><amiLaunchIndex>0</amiLaunchIndex><productCodes/><instanceType>t3.micro</instanceType><launchTime>2026-12-01T08:59:39.000Z</launchTime><placement><groupName/><tenancy>default</tenancy><availabilityZone>us-west-2a</availabilityZone></placement><platform>windows</platform><monitoring><state>disabled</state></monitoring><subnetId>subnet-445824cce6dc0528d</subnetId><vpcId>vpc-9213cff8f12f462b1</vpcId><privateIpAddress>10.76.11.196</privateIpAddress><ipAddress>54.214.80.210</ipAddress></item></instancesSet></item></reservationSet><requestId>request-id</requestId></DescribeInstancesResponse>`;

/** The same instance stopped: no `dnsName`, no `ipAddress`, an empty `<association/>`. */
export const MOTO_DESCRIBE_STOPPED = `<?xml version="1.0" encoding="utf-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><reservationSet><item><reservationId>r-ce5e40dc73d1432e9</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet><item><architecture>x86_64</architecture><blockDeviceMapping><item><deviceName>/dev/sda1</deviceName><ebs><attachTime>2026-12-01T08:59:39.000Z</attachTime><deleteOnTermination>true</deleteOnTermination><status>attached</status><volumeId>vol-90a9f197363f0197b</volumeId></ebs></item></blockDeviceMapping><clientToken>ABCDE</clientToken><ebsOptimized>false</ebsOptimized><hypervisor>xen</hypervisor><networkInterfaceSet><item><association/><attachment><attachTime>2026-12-01T08:59:39.000Z</attachTime><attachmentId>eni-attach-e72f317a1f46baa0b</attachmentId><deleteOnTermination>false</deleteOnTermination><deviceIndex>0</deviceIndex><status>attached</status><networkCardIndex>0</networkCardIndex></attachment><description>Primary network interface</description><groupSet><item><groupId>sg-9eaf636c2e4db7f2f</groupId><groupName>default</groupName></item></groupSet><ipv6AddressesSet/><macAddress>02:00:00:1a:0f:10</macAddress><networkInterfaceId>eni-133fa90f310d7f520</networkInterfaceId><ownerId>123456789012</ownerId><privateDnsName>ip-10-76-11-196.ec2.internal</privateDnsName><privateIpAddress>10.76.11.196</privateIpAddress><privateIpAddressesSet><item><primary>true</primary><privateIpAddress>10.76.11.196</privateIpAddress></item></privateIpAddressesSet><sourceDestCheck>true</sourceDestCheck><status>in-use</status><subnetId>subnet-445824cce6dc0528d</subnetId><vpcId>vpc-9213cff8f12f462b1</vpcId><interfaceType>interface</interfaceType></item></networkInterfaceSet><rootDeviceName>/dev/sda1</rootDeviceName><rootDeviceType>ebs</rootDeviceType><groupSet/><sourceDestCheck>true</sourceDestCheck><sriovNetSupport>simple</sriovNetSupport><stateReason><code>Client.UserInitiatedShutdown</code><message>Client.UserInitiatedShutdown: User initiated shutdown</message></stateReason><tagSet><item><key>Name</key><value>Tom &amp; Jerry &lt;dev&gt;</value></item><item><key>agent</key><value>007</value></item><item><key>start_time</key><value>2026-01-01T00:00:00.000Z</value></item></tagSet><virtualizationType>hvm</virtualizationType><hibernationOptions/><metadataOptions><state>applied</state><httpTokens>optional</httpTokens><httpPutResponseHopLimit>1</httpPutResponseHopLimit><httpEndpoint>enabled</httpEndpoint><httpProtocolIpv6>disabled</httpProtocolIpv6><instanceMetadataTags>disabled</instanceMetadataTags></metadataOptions><instanceId>i-b1f7ef00599b935c2</instanceId><imageId>ami-03cf127a</imageId><instanceState><code>80</code><name>stopped</name></instanceState><privateDnsName>ip-10-76-11-196.us-west-2.compute.internal</privateDnsName><reason>User initiated (2026-12-01 08:59:40 UTC)</reason><amiLaunchIndex>0</amiLaunchIndex><productCodes/><instanceType>t3.micro</instanceType><launchTime>2026-12-01T08:59:39.000Z</launchTime><placement><groupName/><tenancy>default</tenancy><availabilityZone>us-west-2a</availabilityZone></placement><platform>windows</platform><monitoring><state>disabled</state></monitoring><subnetId>subnet-445824cce6dc0528d</subnetId><vpcId>vpc-9213cff8f12f462b1</vpcId><privateIpAddress>10.76.11.196</privateIpAddress></item></instancesSet></item></reservationSet><requestId>request-id</requestId></DescribeInstancesResponse>`;

/** A region with no instance. */
export const MOTO_DESCRIBE_EMPTY = `<?xml version="1.0" encoding="utf-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><reservationSet/><requestId>request-id</requestId></DescribeInstancesResponse>`;

/** StartInstances: requestId after instancesSet. */
export const MOTO_START_INSTANCES = `<?xml version="1.0" encoding="utf-8"?>
<StartInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><instancesSet><item><instanceId>i-b1f7ef00599b935c2</instanceId><currentState><code>0</code><name>pending</name></currentState><previousState><code>80</code><name>stopped</name></previousState></item></instancesSet><requestId>request-id</requestId></StartInstancesResponse>`;

/** StopInstances. */
export const MOTO_STOP_INSTANCES = `<?xml version="1.0" encoding="utf-8"?>
<StopInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><instancesSet><item><instanceId>i-b1f7ef00599b935c2</instanceId><currentState><code>64</code><name>stopping</name></currentState><previousState><code>16</code><name>running</name></previousState></item></instancesSet><requestId>request-id</requestId></StopInstancesResponse>`;

/** CreateTags: no `<return>`. */
export const MOTO_CREATE_TAGS = `<?xml version="1.0" encoding="utf-8"?>
<CreateTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><requestId>request-id</requestId></CreateTagsResponse>`;

/** DeleteTags: no `<return>`. */
export const MOTO_DELETE_TAGS = `<?xml version="1.0" encoding="utf-8"?>
<DeleteTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><requestId>request-id</requestId></DeleteTagsResponse>`;

/** RebootInstances: no `<return>`. */
export const MOTO_REBOOT_INSTANCES = `<?xml version="1.0" encoding="utf-8"?>
<RebootInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><requestId>request-id</requestId></RebootInstancesResponse>`;

/** An unknown instance, HTTP 400: the error root carries a namespace. */
export const MOTO_ERROR_NOT_FOUND = `<?xml version="1.0" encoding="utf-8"?>
<Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID 'i-0123456789abcdef0' does not exist</Message></Error></Errors><RequestID>request-id</RequestID></Response>`;

/** A dry run that would succeed, HTTP 412. */
export const MOTO_ERROR_DRY_RUN = `<?xml version="1.0" encoding="utf-8"?>
<Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><Errors><Error><Code>DryRunOperation</Code><Message>Request would have succeeded, but DryRun flag is set.</Message></Error></Errors><RequestID>request-id</RequestID></Response>`;

/** An action moto does not know, HTTP 500 with text/html: Werkzeug's page. */
export const MOTO_UNKNOWN_ACTION = `<!doctype html>
<html lang=en>
<title>500 Internal Server Error</title>
<h1>Internal Server Error</h1>
<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>
`;
