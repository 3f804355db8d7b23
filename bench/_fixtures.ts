/**
 * Real-sized EC2 answers for the benchmarks. One DescribeInstances item
 * carries what a real one does (network interfaces, block devices, security
 * groups, metadata options, CPU options…): about 5 KB, as AWS sends it.
 *
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html
 * @module
 */

/** The instance id of item `n`: 17 hex digits. */
export function instanceIdOf(n: number): string {
  return `i-${n.toString(16).padStart(17, "0")}`;
}

/** One `<item>` of an `<instancesSet>`, shaped like a real t3.medium in a VPC. */
export function instanceItem(n: number, state: "running" | "stopped" = "running"): string {
  const id = instanceIdOf(n);
  const ip = `10.0.${(n >> 8) & 255}.${n & 255}`;
  const dash = ip.replaceAll(".", "-");
  const code = state === "running" ? 16 : 80;
  return `
                <item>
                    <instanceId>${id}</instanceId>
                    <imageId>ami-0abcdef1234567890</imageId>
                    <instanceState>
                        <code>${code}</code>
                        <name>${state}</name>
                    </instanceState>
                    <privateDnsName>ip-${dash}.us-west-2.compute.internal</privateDnsName>
                    <dnsName>ec2-54-194-${(n >> 8) & 255}-${
    n & 255
  }.us-west-2.compute.amazonaws.com</dnsName>
                    <reason/>
                    <keyName>deploy-key</keyName>
                    <amiLaunchIndex>0</amiLaunchIndex>
                    <productCodes/>
                    <instanceType>t3.medium</instanceType>
                    <launchTime>2026-11-20T08:15:42.000Z</launchTime>
                    <placement>
                        <availabilityZone>us-west-2b</availabilityZone>
                        <groupName/>
                        <tenancy>default</tenancy>
                    </placement>
                    <platformDetails>Linux/UNIX</platformDetails>
                    <usageOperation>RunInstances</usageOperation>
                    <usageOperationUpdateTime>2026-11-20T08:15:42.000Z</usageOperationUpdateTime>
                    <monitoring>
                        <state>disabled</state>
                    </monitoring>
                    <subnetId>subnet-0a1b2c3d4e5f60718</subnetId>
                    <vpcId>vpc-0fedcba9876543210</vpcId>
                    <privateIpAddress>${ip}</privateIpAddress>
                    <ipAddress>54.194.${(n >> 8) & 255}.${n & 255}</ipAddress>
                    <sourceDestCheck>true</sourceDestCheck>
                    <groupSet>
                        <item>
                            <groupId>sg-0123456789abcdef0</groupId>
                            <groupName>web-servers</groupName>
                        </item>
                        <item>
                            <groupId>sg-0fedcba9876543210</groupId>
                            <groupName>ssh-from-office</groupName>
                        </item>
                    </groupSet>
                    <architecture>x86_64</architecture>
                    <rootDeviceType>ebs</rootDeviceType>
                    <rootDeviceName>/dev/xvda</rootDeviceName>
                    <blockDeviceMapping>
                        <item>
                            <deviceName>/dev/xvda</deviceName>
                            <ebs>
                                <volumeId>vol-0${n.toString(16).padStart(16, "1")}</volumeId>
                                <status>attached</status>
                                <attachTime>2026-11-20T08:15:43.000Z</attachTime>
                                <deleteOnTermination>true</deleteOnTermination>
                            </ebs>
                        </item>
                    </blockDeviceMapping>
                    <virtualizationType>hvm</virtualizationType>
                    <clientToken>terraform-20261120081541000000000001</clientToken>
                    <tagSet>
                        <item>
                            <key>Name</key>
                            <value>web-${n}</value>
                        </item>
                        <item>
                            <key>start_time</key>
                            <value>2026-11-26T11:00:00.000Z</value>
                        </item>
                        <item>
                            <key>team</key>
                            <value>platform &amp; infra</value>
                        </item>
                    </tagSet>
                    <hypervisor>xen</hypervisor>
                    <networkInterfaceSet>
                        <item>
                            <networkInterfaceId>eni-0${
    n.toString(16).padStart(16, "3")
  }</networkInterfaceId>
                            <subnetId>subnet-0a1b2c3d4e5f60718</subnetId>
                            <vpcId>vpc-0fedcba9876543210</vpcId>
                            <description/>
                            <ownerId>012345678901</ownerId>
                            <status>in-use</status>
                            <macAddress>02:9c:2f:${(n >> 8 & 255).toString(16).padStart(2, "0")}:${
    (n & 255).toString(16).padStart(2, "0")
  }:4b</macAddress>
                            <privateIpAddress>${ip}</privateIpAddress>
                            <privateDnsName>ip-${dash}.us-west-2.compute.internal</privateDnsName>
                            <sourceDestCheck>true</sourceDestCheck>
                            <groupSet>
                                <item>
                                    <groupId>sg-0123456789abcdef0</groupId>
                                    <groupName>web-servers</groupName>
                                </item>
                                <item>
                                    <groupId>sg-0fedcba9876543210</groupId>
                                    <groupName>ssh-from-office</groupName>
                                </item>
                            </groupSet>
                            <attachment>
                                <attachmentId>eni-attach-0${
    n.toString(16).padStart(16, "4")
  }</attachmentId>
                                <deviceIndex>0</deviceIndex>
                                <status>attached</status>
                                <attachTime>2026-11-20T08:15:42.000Z</attachTime>
                                <deleteOnTermination>true</deleteOnTermination>
                                <networkCardIndex>0</networkCardIndex>
                            </attachment>
                            <association>
                                <publicIp>54.194.${(n >> 8) & 255}.${n & 255}</publicIp>
                                <publicDnsName>ec2-54-194-${(n >> 8) & 255}-${
    n & 255
  }.us-west-2.compute.amazonaws.com</publicDnsName>
                                <ipOwnerId>amazon</ipOwnerId>
                            </association>
                            <privateIpAddressesSet>
                                <item>
                                    <privateIpAddress>${ip}</privateIpAddress>
                                    <privateDnsName>ip-${dash}.us-west-2.compute.internal</privateDnsName>
                                    <primary>true</primary>
                                </item>
                            </privateIpAddressesSet>
                            <ipv6AddressesSet/>
                            <interfaceType>interface</interfaceType>
                        </item>
                    </networkInterfaceSet>
                    <ebsOptimized>true</ebsOptimized>
                    <enaSupport>true</enaSupport>
                    <cpuOptions>
                        <coreCount>1</coreCount>
                        <threadsPerCore>2</threadsPerCore>
                    </cpuOptions>
                    <capacityReservationSpecification>
                        <capacityReservationPreference>open</capacityReservationPreference>
                    </capacityReservationSpecification>
                    <hibernationOptions>
                        <configured>false</configured>
                    </hibernationOptions>
                    <licenseSet/>
                    <metadataOptions>
                        <state>applied</state>
                        <httpTokens>required</httpTokens>
                        <httpPutResponseHopLimit>2</httpPutResponseHopLimit>
                        <httpEndpoint>enabled</httpEndpoint>
                        <httpProtocolIpv6>disabled</httpProtocolIpv6>
                        <instanceMetadataTags>disabled</instanceMetadataTags>
                    </metadataOptions>
                    <enclaveOptions>
                        <enabled>false</enabled>
                    </enclaveOptions>
                    <bootMode>uefi-preferred</bootMode>
                    <currentInstanceBootMode>legacy-bios</currentInstanceBootMode>
                    <privateDnsNameOptions>
                        <hostnameType>ip-name</hostnameType>
                        <enableResourceNameDnsARecord>false</enableResourceNameDnsARecord>
                        <enableResourceNameDnsAAAARecord>false</enableResourceNameDnsAAAARecord>
                    </privateDnsNameOptions>
                    <maintenanceOptions>
                        <autoRecovery>default</autoRecovery>
                        <rebootMigration>default</rebootMigration>
                    </maintenanceOptions>
                    <networkPerformanceOptions>
                        <bandwidthWeighting>default</bandwidthWeighting>
                    </networkPerformanceOptions>
                    <operator>
                        <managed>false</managed>
                    </operator>
                </item>`;
}

/**
 * A DescribeInstances answer with `count` instances, one reservation each, as
 * EC2 lays them out; `nextToken` when another page follows.
 */
export function describeInstancesXml(count: number, nextToken?: string): string {
  return reindent(describeInstancesTemplate(count, nextToken));
}

/**
 * One space per level, as the ~5 KB figure for one item assumes; the
 * templates above are written with four for reading.
 */
function reindent(xml: string): string {
  return xml.replace(/\n( +)/g, (_, spaces: string) => "\n" + " ".repeat(spaces.length / 4));
}

function describeInstancesTemplate(count: number, nextToken?: string): string {
  const reservations: string[] = [];
  for (let n = 0; n < count; n++) {
    reservations.push(`
        <item>
            <reservationId>r-0${n.toString(16).padStart(16, "5")}</reservationId>
            <ownerId>012345678901</ownerId>
            <groupSet/>
            <instancesSet>${instanceItem(n)}
            </instancesSet>
        </item>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>8f7724cf-496f-496e-8fe3-example</requestId>
    <reservationSet>${reservations.join("")}
    </reservationSet>${nextToken ? `\n    <nextToken>${nextToken}</nextToken>` : ""}
</DescribeInstancesResponse>`;
}

/** A StartInstances answer for instance `n`. */
export function startInstancesXml(n: number): string {
  return reindent(`<?xml version="1.0" encoding="UTF-8"?>
<StartInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>3f5a1a27-0b3b-4c5e-9a27-example</requestId>
    <instancesSet>
        <item>
            <instanceId>${instanceIdOf(n)}</instanceId>
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
</StartInstancesResponse>`);
}

/** A CreateTags answer. */
export const CREATE_TAGS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<CreateTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>7a62c49f-347e-4fc4-9331-example</requestId>
    <return>true</return>
</CreateTagsResponse>`;
