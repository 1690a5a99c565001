/**
 * docs/integrations.md is executable documentation (issue 6 §8): every `vmonboard` command in
 * its code blocks runs, in order, in a scratch copy of examples/, and must succeed. The EC2
 * commands talk to the loopback fake, never to AWS.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { runBinary } from './binary-io.js';
import { startFakeEc2, type FakeEc2 } from './fake-ec2.js';

const DOC = readFileSync(join(PROJECT_ROOT, 'docs/integrations.md'), 'utf8');

/** Splits a command line into words (single and double quotes), with an optional `> file`. */
function splitCommand(line: string): { args: string[]; redirect?: string } {
  const words: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(>)|([^\s'">]+)/g;
  let redirect: string | undefined;
  let expectFile = false;
  for (const m of line.matchAll(re)) {
    if (m[3]) {
      expectFile = true;
      continue;
    }
    const w = m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[4]!;
    if (expectFile) {
      redirect = w;
      expectFile = false;
    } else words.push(w);
  }
  return { args: words, ...(redirect ? { redirect } : {}) };
}

/** Every `vmonboard …` invocation inside the document's fenced code blocks, in order. */
function extractCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```[\w-]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  return blocks.flatMap((b) => b.split('\n').flatMap((l) => {
    const m = /(?:^|\s)(?:npx\s+)?vmonboard\s+(.*)$/.exec(l);
    return m ? [m[1]!] : [];
  }));
}

describe('docs/integrations.md', () => {
  const commands = extractCommands(DOC);
  let scratch: string;
  let cwd: string;
  let fake: FakeEc2;
  const env = { ...process.env };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'vmonboard-docs-'));
    cpSync(join(PROJECT_ROOT, 'examples'), join(scratch, 'examples'), { recursive: true });
    fake = await startFakeEc2([{ id: 'lt-0fedcba9876543210', name: 'ratings', latest: 3, default: 3 }]);
    // The SDK's default chain, fed only loopback settings and fake credentials.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_EC2: fake.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDDOCSLOOPBACK',
      AWS_SECRET_ACCESS_KEY: 'docs-loopback-not-a-secret',
      AWS_CONFIG_FILE: join(scratch, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_MAX_ATTEMPTS: '1',
    });
    delete process.env.AWS_PROFILE;
    cwd = process.cwd();
    process.chdir(scratch);
  });
  afterAll(async () => {
    process.chdir(cwd);
    process.env = env;
    await fake.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('shows the commands this test expects to run', () => {
    // Every code-block line mentioning vmonboard as a command is extracted (and so is run).
    expect(commands.length).toBe((DOC.match(/(?:^|\s)(?:npx\s+)?vmonboard\s+(render|userdata|aws|pin|validate)\b/gm) ?? []).length);
    expect(new Set(commands.map((c) => c.split(' ')[0]))).toEqual(new Set(['render', 'userdata', 'aws']));
    expect(commands.some((c) => c.startsWith('render --check'))).toBe(true);
  });

  it('runs every command successfully, in order', async () => {
    for (const line of commands) {
      const { args, redirect } = splitCommand(line);
      const r = await runBinary(args);
      expect(r.code, `vmonboard ${line}\n${r.stderr}`).toBe(0);
      if (redirect) {
        writeFileSync(redirect, r.stdout);
        expect(statSync(redirect).size, `${redirect} is empty`).toBeGreaterThan(0);
      }
    }
    // The launch template got exactly the bytes `vmonboard userdata` printed for the same VM.
    const created = fake.calls.filter((c) => c.action === 'CreateLaunchTemplateVersion');
    expect(created.map((c) => [c.params.DryRun, c.params.SourceVersion])).toEqual([['true', '3'], ['false', '3']]);
    expect(Buffer.from(created[1]!.params['LaunchTemplateData.UserData']!, 'base64').equals(readFileSync('ratings-aws-prod.user-data'))).toBe(true);
  });
});
