import { assert, assertEquals } from "@std/assert";
import { ec2Endpoint, isRegionName } from "../../src/aws/endpoints.ts";

Deno.test("region names of every partition are accepted", () => {
  for (
    const region of [
      "us-west-2",
      "us-east-1",
      "ap-southeast-5",
      "me-central-1",
      "il-central-1",
      "us-gov-west-1",
      "cn-north-1",
      "cn-northwest-1",
      "eusc-de-east-1",
      "us-iso-east-1",
      "us-isob-east-1",
      "eu-isoe-west-1",
      "us-isof-south-1",
    ]
  ) {
    assert(isRegionName(region), region);
  }
});

Deno.test("strings that are not region names are refused", () => {
  for (
    const region of [
      "",
      "us-west",
      "US-WEST-2",
      "us-west-2 ",
      "us_west_2",
      "west-2",
      "us-west-2a",
      "../us-west-2",
      "us-west-2/x",
      "localhost",
      "us-west-123",
    ]
  ) {
    assert(!isRegionName(region), region);
  }
});

Deno.test("the endpoint follows the region's partition", () => {
  assertEquals(ec2Endpoint("us-west-2"), "https://ec2.us-west-2.amazonaws.com/");
  assertEquals(ec2Endpoint("us-gov-west-1"), "https://ec2.us-gov-west-1.amazonaws.com/");
  assertEquals(ec2Endpoint("cn-north-1"), "https://ec2.cn-north-1.amazonaws.com.cn/");
  assertEquals(ec2Endpoint("eusc-de-east-1"), "https://ec2.eusc-de-east-1.amazonaws.eu/");
  assertEquals(ec2Endpoint("us-iso-east-1"), "https://ec2.us-iso-east-1.c2s.ic.gov/");
  assertEquals(ec2Endpoint("us-isob-east-1"), "https://ec2.us-isob-east-1.sc2s.sgov.gov/");
});

Deno.test("a configured endpoint overrides every region's", () => {
  assertEquals(ec2Endpoint("eu-west-1", "http://127.0.0.1:4566/"), "http://127.0.0.1:4566/");
});
