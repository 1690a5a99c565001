/**
 * Kills a real render mid-write. An in-process "freeze" (a step that never settles) is not a
 * kill: the writer's other lanes go on writing into the temp tree, and a recovery run beside them
 * then races those writes (the ENOTEMPTY of issue 15 §3). A child process that is SIGKILLed at
 * the step stops all of its writes at once, and the kernel drops its directory lock, as a real
 * crash does. The child runs the built writer (dist/, `npm run build`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from '../../src/bundle/bundle.js';
import type { WriteStep } from '../../src/bundle/write-dir.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';

const WRITER = join(PROJECT_ROOT, 'dist/src/bundle/write-dir.js');

const CHILD = `
const [writer, dir, step, path] = process.argv.slice(1);
const { writeBundleToDir } = await import(writer);
let text = '';
for await (const c of process.stdin) text += c;
const bundle = new Map(JSON.parse(text).map(([p, content, mode]) => [p, { content, mode, source: '' }]));
await writeBundleToDir(bundle, dir, {
  beforeStep: (s, p) => {
    if (s !== step || (path && p !== path)) return;
    process.stdout.write('at-step\\n');
    return new Promise(() => {});
  },
});
process.stdout.write('finished\\n');
`;

/**
 * Runs writeBundleToDir(bundle, dir) in a child process and SIGKILLs it when it reaches `step`
 * (for 'write-file', the file `path`). Rejects when the child finishes or fails instead.
 */
export async function killWriterAt(bundle: Bundle, dir: string, step: WriteStep, path?: string): Promise<void> {
  if (!existsSync(WRITER)) throw new Error(`${WRITER} is missing: run npm run build first`);
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, WRITER, dir, step, path ?? ''], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdin.end(JSON.stringify([...bundle].map(([p, f]) => [p, typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString(), f.mode])));
  await new Promise<void>((reached, failed) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('at-step\n')) reached();
    });
    void exited.then((code) => failed(new Error(`the writer exited (${code}) before ${step} ${path ?? ''}: ${out}${err}`)));
  });
  child.kill('SIGKILL');
  await exited;
}
