/**
 * Regions and their EC2 endpoints.
 *
 * @module
 */

/**
 * The shape of every AWS region name: a partition-area prefix, an optional
 * qualifier (`gov`, `iso`, `isob`, `de`…), a direction or place, a number.
 * `us-west-2`, `ap-southeast-5`, `us-gov-west-1`, `cn-north-1`, `eusc-de-east-1`.
 * The OpenAPI document publishes its `source` as the `region` pattern.
 */
export const REGION_PATTERN = /^[a-z]{2,4}(?:-[a-z]{2,5})?-[a-z]{4,12}-\d{1,2}$/;

/**
 * DNS suffix per partition, matched on the region's prefix; the first match wins.
 * @see https://github.com/aws/aws-sdk-js-v3/blob/main/packages/util-endpoints/src/lib/aws/partitions.json
 */
const PARTITION_SUFFIXES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^cn-/, "amazonaws.com.cn"],
  [/^eusc-/, "amazonaws.eu"],
  [/^us-isob-/, "sc2s.sgov.gov"],
  [/^us-iso-/, "c2s.ic.gov"],
  [/^[a-z]{2}-isoe-/, "cloud.adc-e.uk"],
  [/^[a-z]{2}-isof-/, "csp.hci.ic.gov"],
];
const DEFAULT_SUFFIX = "amazonaws.com";

/** Whether `region` has the form of an AWS region name. */
export function isRegionName(region: string): boolean {
  return REGION_PATTERN.test(region);
}

/** The DNS suffix of the partition `region` belongs to. */
export function partitionSuffix(region: string): string {
  return PARTITION_SUFFIXES.find(([prefix]) => prefix.test(region))?.[1] ??
    DEFAULT_SUFFIX;
}

/**
 * The EC2 endpoint for `region`, or `override` when one is configured
 * (`AWS_ENDPOINT_URL_EC2` or `AWS_ENDPOINT_URL`, as the AWS SDKs read them).
 */
export function ec2Endpoint(region: string, override?: string): string {
  return override ?? `https://ec2.${region}.${partitionSuffix(region)}/`;
}
