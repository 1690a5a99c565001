#!/usr/bin/env node
/** The vmonboard executable: process streams in, exit code out. */
import { runCli } from './program.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

process.exitCode = await runCli(process.argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  readStdin,
  isTTY: Boolean(process.stderr.isTTY),
});
