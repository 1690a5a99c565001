#!/usr/bin/env node
/** The vmonboard executable: process streams in, exit code out. */
import module from 'node:module';

// Node >= 22.1 can cache the compiled code of every module on disk (nodejs.org/api/module.html
// "Module compile cache"); a cold start then skips most parsing. It must be on before the CLI's
// modules load, hence the dynamic imports below. NODE_DISABLE_COMPILE_CACHE=1 turns it off, and
// Node 20 has no such function.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const [{ runCli }, { shouldColor }, { exitQuietlyOnClosedPipe }] = await Promise.all([import('./program.js'), import('./color.js'), import('./pipes.js')]);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

exitQuietlyOnClosedPipe(process.stdout, process.stderr);

const isTTY = Boolean(process.stderr.isTTY);
process.exitCode = await runCli(process.argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  readStdin,
  isTTY,
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  color: shouldColor(isTTY),
});
