/**
 * EC2 answers as AWS sends them, shapes taken from the EC2 API reference's
 * examples, for the parser tests.
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

/** The error envelope; note `RequestID`, unlike `requestId` in successes. */
export const ERROR_NOT_FOUND = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID 'i-1a2b3c4d' does not exist</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>`;

/** A load balancer's HTML error page. */
export const HTML_BAD_GATEWAY = `<html>
<head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center></body>
</html>`;
