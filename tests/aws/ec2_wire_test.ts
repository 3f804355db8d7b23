/**
 * The client over a real socket, against answers shaped as an emulator or a
 * proxy may send them: gzip, chunked, another content type or none. Needs
 * --allow-net=127.0.0.1 (`deno task test` grants it); skipped without.
 */
import { assertEquals } from "@std/assert";
import { Ec2Client } from "../../src/aws/ec2.ts";
import { AWS_SECRET } from "../_helpers.ts";
import { MOTO_CREATE_TAGS, MOTO_DESCRIBE_RUNNING, MOTO_ERROR_NOT_FOUND } from "../_fixtures.ts";

const granted = (await Deno.permissions.query({ name: "net", host: "127.0.0.1" })).state ===
  "granted";
if (!granted) console.warn("client_wire_test.ts skipped: it needs --allow-net=127.0.0.1");

/** How the test server sends each body. */
interface Shape {
  gzip: boolean;
  chunked: boolean;
  contentType: string | null;
}

function body(text: string, { gzip, chunked }: Shape): BodyInit {
  const bytes = new TextEncoder().encode(text);
  // Pieces of 1 KB, each its own chunk: no Content-Length, Transfer-Encoding: chunked.
  const pieces = new ReadableStream<Uint8Array<ArrayBuffer>>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 1024) {
        controller.enqueue(bytes.slice(at, at + 1024));
      }
      controller.close();
    },
  });
  if (gzip) return pieces.pipeThrough(new CompressionStream("gzip"));
  return chunked ? pieces : text;
}

Deno.test({
  name: "gzip, chunked, and any content type or none: the client reads moto's answers alike",
  ignore: !granted,
  async fn() {
    let shape: Shape = { gzip: false, chunked: false, contentType: null };
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      async (request) => {
        const action = new URLSearchParams(await request.text()).get("Action");
        const [status, text] = action === "DescribeInstances"
          ? [200, MOTO_DESCRIBE_RUNNING]
          : action === "CreateTags"
          ? [200, MOTO_CREATE_TAGS]
          : [400, MOTO_ERROR_NOT_FOUND];
        const headers = new Headers();
        if (shape.contentType !== null) headers.set("content-type", shape.contentType);
        if (shape.gzip) headers.set("content-encoding", "gzip");
        return new Response(body(text, shape), { status, headers });
      },
    );
    try {
      const client = new Ec2Client({
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: AWS_SECRET },
        endpoint: `http://127.0.0.1:${server.addr.port}/`,
        random: () => 0,
      });
      const shapes: Shape[] = [
        { gzip: false, chunked: false, contentType: "text/xml" },
        { gzip: false, chunked: true, contentType: "text/xml;charset=UTF-8" },
        { gzip: true, chunked: true, contentType: "application/xml" },
        { gzip: true, chunked: false, contentType: null },
        { gzip: false, chunked: true, contentType: "application/octet-stream" },
      ];
      for (const next of shapes) {
        shape = next;
        const label = JSON.stringify(next);
        const page = await client.describeInstances("us-west-2", {
          instanceIds: ["i-b1f7ef00599b935c2"],
        });
        assertEquals(page.instances[0].tags, { Name: "Tom & Jerry <dev>", agent: "007" }, label);
        assertEquals(page.instances[0].publicIpAddress, "54.214.80.210", label);
        const tagged = await client.createTags("us-west-2", ["i-b1f7ef00599b935c2"], { a: "" });
        assertEquals(tagged.requestId, "request-id", label);
        const error = await client.startInstances("us-west-2", ["i-0123456789abcdef0"]).then(
          () => null,
          (error) => error,
        );
        assertEquals([error?.code, error?.status], ["InvalidInstanceID.NotFound", 400], label);
      }
    } finally {
      await server.shutdown();
    }
  },
});
