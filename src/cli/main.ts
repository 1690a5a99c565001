#!/usr/bin/env node
/** The vmonboard executable: process streams in, exit code out. */
import { exitQuietlyOnClosedPipe } from './pipes.js';
import { runCli } from './program.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

exitQuietlyOnClosedPipe(process.stdout, process.stderr);

process.exitCode = await runCli(process.argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  readStdin,
  isTTY: Boolean(process.stderr.isTTY),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
});
