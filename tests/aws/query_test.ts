import { assertEquals } from "@std/assert";
import { encodeQuery } from "../../src/aws/query.ts";

function pairs(body: string): [string, string][] {
  return [...new URLSearchParams(body)];
}

Deno.test("encodeQuery puts Action and Version first", () => {
  assertEquals(pairs(encodeQuery("DescribeInstances")), [
    ["Action", "DescribeInstances"],
    ["Version", "2016-11-15"],
  ]);
});

Deno.test("encodeQuery flattens lists 1-based and records by key", () => {
  const body = encodeQuery("CreateTags", {
    ResourceId: ["i-1234567890abcdef0", "i-0abcdef1234567890"],
    Tag: [{ Key: "start_time", Value: "" }, { Key: "Name", Value: "Tom & Jerry" }],
  });
  assertEquals(pairs(body).slice(2), [
    ["ResourceId.1", "i-1234567890abcdef0"],
    ["ResourceId.2", "i-0abcdef1234567890"],
    ["Tag.1.Key", "start_time"],
    ["Tag.1.Value", ""],
    ["Tag.2.Key", "Name"],
    ["Tag.2.Value", "Tom & Jerry"],
  ]);
});

Deno.test("encodeQuery flattens filters with their value lists", () => {
  const body = encodeQuery("DescribeInstances", {
    Filter: [{ Name: "tag:Name", Value: ["web", "db"] }],
    MaxResults: 5,
    DryRun: true,
  });
  assertEquals(pairs(body).slice(2), [
    ["Filter.1.Name", "tag:Name"],
    ["Filter.1.Value.1", "web"],
    ["Filter.1.Value.2", "db"],
    ["MaxResults", "5"],
    ["DryRun", "true"],
  ]);
});

Deno.test("encodeQuery leaves out empty lists and undefined values", () => {
  const body = encodeQuery("DescribeInstances", {
    InstanceId: [],
    Filter: [],
    NextToken: undefined,
  });
  assertEquals(body, "Action=DescribeInstances&Version=2016-11-15");
});

Deno.test("encodeQuery form-encodes reserved characters", () => {
  const body = encodeQuery("CreateTags", { Tag: [{ Key: "a=b&c", Value: "x+y z/é" }] });
  assertEquals(body.split("&").slice(2), ["Tag.1.Key=a%3Db%26c", "Tag.1.Value=x%2By+z%2F%C3%A9"]);
});
