/**
 * The Deno side of the AWS credential chain: files, processes and the
 * environment through Deno's APIs, each failure turned into a message that
 * names the path or program and the permission to grant, never a value.
 * Only the Deno adapter (src/platform/deno.ts) imports this.
 *
 * @module
 */
import type { CredentialHost } from "../aws/credentials.ts";

/** The chain's host on Deno: `env` as the Deno adapter read it, the global `fetch`. */
export function denoCredentialHost(env: CredentialHost["env"]): CredentialHost {
  return {
    env,
    fetch: (url, init) => fetch(url, init),
    readFile,
    runProcess,
  };
}

async function readFile(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw new Error(
        error instanceof Deno.errors.NotCapable
          ? `read access is not granted: add the path to --allow-read`
          : "the file system refuses it (permission denied)",
      );
    }
    throw new Error(`cannot read it (${(error as Error).name})`);
  }
}

async function runProcess(argv: string[]): Promise<{ success: boolean; stdout: string }> {
  const [program, ...args] = argv;
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(program, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      throw new Error(`run access is not granted: start with --allow-run=${program}`);
    }
    if (error instanceof Deno.errors.NotFound) throw new Error("no such program");
    throw new Error(`it did not start (${(error as Error).name})`);
  }
  return { success: output.success, stdout: new TextDecoder().decode(output.stdout) };
}
