/**
 * `vmonboard diff`: one test per kind of identity-level change (identity added, selector widened,
 * trust root changed, exposure changed, version bump) with its exit code; no change exits 0; a
 * payload-only change is listed but exits 0; --base reads the old spec from Git; the JSON
 * validates against schemas/diff-v1; an invalid spec exits 5.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { parseDocument, type Document } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/cli-io.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';

const root = mkdtempSync(join(tmpdir(), 'vmonboard-diff-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const validate = new AjvModule.default({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(PROJECT_ROOT, 'schemas', 'diff-v1', 'diff.schema.json'), 'utf8')));

/** A copy of the quickstart (spec, lock, files) edited by `edit`; returns the spec path. */
function variant(name: string, edit: (doc: Document) => void = () => undefined): string {
  const dir = join(root, name);
  cpSync(join(PROJECT_ROOT, 'examples', 'files'), join(dir, 'files'), { recursive: true });
  cpSync(join(PROJECT_ROOT, 'examples', 'quickstart.lock.yaml'), join(dir, 'spec.lock.yaml'));
  const doc = parseDocument(readFileSync(join(PROJECT_ROOT, 'examples', 'quickstart.yaml'), 'utf8'));
  edit(doc);
  writeFileSync(join(dir, 'spec.yaml'), doc.toString());
  return join(dir, 'spec.yaml');
}

async function diffJson(oldSpec: string, newSpec: string): Promise<{ code: number; report: any; stderr: string }> {
  const r = await runInProcess(['diff', oldSpec, newSpec, '--format', 'json']);
  const report = r.stdout ? JSON.parse(r.stdout) : undefined;
  if (report) expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  return { code: r.code, report, stderr: r.stderr };
}

const base = variant('base');

describe('identity-level changes and exit codes', () => {
  it('no change: exit 0, nothing listed', async () => {
    const r = await diffJson(base, variant('same'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.report).toMatchObject({ identityRelevant: false, changes: [], payloads: { added: [], removed: [], changed: [] } });
  });

  it('identity added: a new placement, exit 1, and its VM is a new payload', async () => {
    const r = await diffJson(base, variant('added', (d) => d.addIn(['workloads', 1, 'platforms'], d.createNode({ name: 'gcp-prod', selectors: { gcp: { serviceAccount: 'reviews@bookinfo-prod.iam.gserviceaccount.com' } } }))));
    expect(r.code).toBe(1);
    expect(r.report.changes).toEqual([expect.objectContaining({ kind: 'identity-added', subject: 'bookinfo/reviews@gcp-prod', after: 'spiffe://example.org/ns/bookinfo/sa/bookinfo-reviews' })]);
    expect(r.report.payloads.added).toEqual(['bookinfo/reviews@gcp-prod']);
    const back = await diffJson(variant('added2', (d) => d.addIn(['workloads', 1, 'platforms'], d.createNode({ name: 'gcp-prod', selectors: { gcp: { serviceAccount: 'reviews@bookinfo-prod.iam.gserviceaccount.com' } } }))), base);
    expect(back.report.changes.map((c: { kind: string }) => c.kind)).toEqual(['identity-removed']);
  });

  it('selector widened: dropping a selector widens admission; adding one narrows it', async () => {
    const two = variant('two-tags', (d) => d.setIn(['workloads', 0, 'platforms', 0, 'selectors', 'aws', 'tags', 'tier'], 'gold'));
    const widened = await diffJson(two, base);
    expect(widened.code).toBe(1);
    expect(widened.report.changes).toEqual([expect.objectContaining({ kind: 'admission-widened', subject: 'bookinfo/ratings@aws-prod', before: ['aws_iid:tag:app:ratings', 'aws_iid:tag:tier:gold'], after: ['aws_iid:tag:app:ratings'] })]);
    expect((await diffJson(base, two)).report.changes[0].kind).toBe('admission-narrowed');
    const account = await diffJson(base, variant('two-accounts', (d) => d.setIn(['platforms', 0, 'aws', 'accountIds'], d.createNode(['123456789012', '210987654321']))));
    expect(account.report.changes).toContainEqual(expect.objectContaining({ kind: 'admission-widened', subject: 'platform aws-prod' }));
  });

  it('trust root changed: another mesh root CA, exit 1, with both fingerprints', async () => {
    const r = await diffJson(base, variant('root', (d) => d.setIn(['trust', 'meshRootCA', 'file'], 'files/onprem-host-ca.pem')));
    expect(r.code, r.stderr).toBe(1);
    const c = r.report.changes.find((x: { kind: string; subject: string }) => x.kind === 'trust-root-changed' && x.subject === 'trust.meshRootCA');
    expect(c.before).toHaveLength(1);
    expect(c.before[0]).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(c.after).not.toEqual(c.before);
  });

  it('exposure changed: removing source ranges widens, going internal narrows', async () => {
    const open = await diffJson(base, variant('open', (d) => d.deleteIn(['eastWestGateway', 'exposure', 'sourceRanges'])));
    expect(open.code).toBe(1);
    expect(open.report.changes).toEqual([expect.objectContaining({ kind: 'exposure-widened', subject: 'eastWestGateway.exposure.sourceRanges', after: [] })]);
    const internal = await diffJson(base, variant('internal', (d) => (d.setIn(['eastWestGateway', 'exposure', 'internal'], true), d.setIn(['eastWestGateway', 'exposure', 'cloud'], 'aws'))));
    expect(internal.report.changes).toEqual([expect.objectContaining({ kind: 'exposure-narrowed', subject: 'eastWestGateway.exposure.internal', after: 'internal (aws)' })]);
  });

  it('version bump: a collector upgrade on every VM, exit 1, and every payload changes', async () => {
    const skip = (d: Document): void => d.setIn(['artifacts', 'allowInsecureSkipChecksums'], true);
    const oldSpec = variant('v-old', skip);
    const r = await diffJson(oldSpec, variant('v-new', (d) => (skip(d), d.setIn(['telemetry', 'collectorVersion'], '0.160.0'))));
    expect(r.code, r.stderr).toBe(1);
    expect(r.report.changes).toEqual([expect.objectContaining({ kind: 'version-bump', subject: 'otelcol-contrib', before: '0.159.0', after: '0.160.0' })]);
    expect(r.report.payloads.changed).toHaveLength(6);
  });

  it('a payload-only change (a resource attribute) is listed and exits 0', async () => {
    const r = await diffJson(base, variant('attr', (d) => d.setIn(['telemetry', 'resourceAttributes', 'team'], 'bookinfo')));
    expect(r.code).toBe(0);
    expect(r.report.identityRelevant).toBe(false);
    expect(r.report.payloads.changed).toContain('bookinfo/ratings@aws-prod');
  });

  it('text and Markdown say the same; an invalid spec exits 5; a missing old spec is a usage error', async () => {
    const widened = variant('md', (d) => d.deleteIn(['eastWestGateway', 'exposure', 'sourceRanges']));
    const md = await runInProcess(['diff', base, widened, '--format', 'markdown']);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('| exposure-widened | `eastWestGateway.exposure.sourceRanges` |');
    const text = await runInProcess(['diff', base, widened]);
    expect(text.stdout).toMatch(/^1 identity-relevant change from /);
    const broken = join(root, 'broken.yaml');
    writeFileSync(broken, 'apiVersion: vmonboard/v1alpha1\n');
    expect((await runInProcess(['diff', base, broken])).code).toBe(5);
    expect((await runInProcess(['diff', base])).code).toBe(2);
  });
});

describe('--base <rev>', () => {
  it('reads the old spec and its files from Git', async () => {
    const repo = join(root, 'repo');
    const dir = join(repo, 'deploy');
    cpSync(join(root, 'base'), dir, { recursive: true });
    const git = (...args: string[]): string => execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.org', '-c', 'user.name=t', ...args], { encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    const doc = parseDocument(readFileSync(join(dir, 'spec.yaml'), 'utf8'));
    doc.deleteIn(['eastWestGateway', 'exposure', 'sourceRanges']);
    writeFileSync(join(dir, 'spec.yaml'), doc.toString());
    const r = await runInProcess(['diff', '--base', 'HEAD', join(dir, 'spec.yaml'), '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.old).toBe('HEAD:deploy/spec.yaml');
    expect(report.changes.map((c: { kind: string }) => c.kind)).toEqual(['exposure-widened']);
    git('commit', '-q', '-am', 'open');
    expect((await runInProcess(['diff', '--base', 'HEAD', join(dir, 'spec.yaml')])).code).toBe(0);
    expect((await runInProcess(['diff', '--base', 'no-such-rev', join(dir, 'spec.yaml')])).code).toBe(2);
    expect((await runInProcess(['diff', '--base', '--upload-pack=x', join(dir, 'spec.yaml')])).code).toBe(2);
  });

  it('reads only the old spec, its lock and the files it references: a spec at the repository root, its files export-ignore\'d', async () => {
    // `git archive` (what --base used to extract the spec's directory with) leaves out
    // export-ignore paths and, at the root, copies the whole repository.
    const repo = join(root, 'repo-root');
    cpSync(join(root, 'base'), repo, { recursive: true });
    writeFileSync(join(repo, '.gitattributes'), 'files/** export-ignore\n');
    const git = (...args: string[]): string => execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.org', '-c', 'user.name=t', ...args], { encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    const r = await runInProcess(['diff', '--base', 'HEAD', join(repo, 'spec.yaml'), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).old).toBe('HEAD:spec.yaml');
    // The referenced CA file is read at the revision, not from the working tree.
    writeFileSync(join(repo, 'files', 'mesh-root-ca.pem'), 'not a certificate\n');
    const changed = await runInProcess(['diff', '--base', 'HEAD', join(repo, 'spec.yaml')]);
    expect(changed.code).toBe(5);
    expect(changed.stderr).toContain(`${join(repo, 'spec.yaml')} does not validate`);
    expect(changed.stderr).not.toMatch(/HEAD:spec\.yaml does not validate/);
  });

  it('refuses, located, a referenced file the old revision lacks', async () => {
    const repo = join(root, 'repo-missing');
    cpSync(join(root, 'base'), repo, { recursive: true });
    const git = (...args: string[]): string => execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.org', '-c', 'user.name=t', ...args], { encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A', '--', 'spec.yaml', 'spec.lock.yaml');
    git('commit', '-q', '-m', 'spec without its files');
    const r = await runInProcess(['diff', '--base', 'HEAD', join(repo, 'spec.yaml')]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/HEAD:spec\.yaml does not validate/);
    expect(r.stderr).toMatch(/FILE_NOT_FOUND/);
    expect(r.stderr).toMatch(/does not exist beside the spec at HEAD/);
  });
});
