/**
 * An install outside this repository (issue 17 §2): `npm pack` makes a tarball that installs with
 * `npm install -g` into an empty prefix with no network (--offline: every dependency is bundled)
 * and runs, with nothing built at install time (the tarball carries dist/; `prepare` is for Git
 * installs only). The installed CLI validates and renders an example from outside the checkout.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { requireExecutable } from '../validators/require-tool.js';

const scratch = mkdtempSync(join(tmpdir(), 'vmonboard-pack-'));
const prefix = join(scratch, 'prefix');
const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const tarball = join(scratch, `${pkg.name}-${pkg.version}.tgz`);
let installLog = '';
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** npm next to the running node (Node's own distribution layout), else on PATH. */
function npm(): string {
  const beside = join(process.execPath, '..', 'npm');
  return existsSync(beside) ? beside : requireExecutable('npm', 'npm');
}

beforeAll(() => {
  if (!existsSync(join(PROJECT_ROOT, 'dist/src/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first (the tarball carries the built CLI)');
  // --ignore-scripts: dist/ is already built by `npm test`; packing must not build it again.
  execFileSync(npm(), ['pack', '--ignore-scripts', '--silent', '--pack-destination', scratch], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const r = spawnSync(npm(), ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', '--foreground-scripts', tarball], {
    cwd: scratch,
    encoding: 'utf8',
    // An empty cache: whatever the install needs must come from the tarball itself.
    env: { ...process.env, npm_config_cache: join(scratch, 'npm-cache') },
  });
  installLog = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) throw new Error(`npm install -g ${tarball} failed (${r.status}):\n${installLog}`);
}, 900_000);

describe('npm pack + npm install -g, offline', () => {
  const installed = (): string => join(prefix, 'lib/node_modules', pkg.name);
  const bin = (): string => join(prefix, 'bin', 'vmonboard');

  it('installs the vmonboard command, building nothing', () => {
    expect(existsSync(bin())).toBe(true);
    // --foreground-scripts prints every lifecycle script that runs; none of ours may.
    expect(installLog).not.toMatch(/> vmonboard@[\d.]+ (build|prepare)/);
    expect(existsSync(join(installed(), 'src'))).toBe(false);
    expect(existsSync(join(installed(), 'node_modules/typescript'))).toBe(false);
    // The installed dist is the one packed: nothing compiled it again.
    const main = 'dist/src/cli/main.js';
    expect(readFileSync(join(installed(), main), 'utf8')).toBe(readFileSync(join(PROJECT_ROOT, main), 'utf8'));
    expect(readdirSync(join(installed(), 'node_modules'))).toEqual(expect.arrayContaining(['commander', '@aws-sdk', 'undici']));
  });

  it('carries no stale module: every dist/src/**/*.js is compiled from a source that exists (npm run build empties dist/ first)', () => {
    const stale: string[] = [];
    const walk = (dir: string, rel: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const r = `${rel}/${e.name}`;
        if (e.isDirectory()) walk(join(dir, e.name), r);
        else if (e.name.endsWith('.js') && !e.name.endsWith('.gen.js') && !existsSync(join(PROJECT_ROOT, r.replace(/^\/dist\//, '').replace(/\.js$/, '.ts')))) stale.push(r);
      }
    };
    walk(join(installed(), 'dist'), '/dist');
    expect(stale).toEqual([]);
  });

  it('validates and renders an example outside the checkout', () => {
    const work = join(scratch, 'work');
    cpSync(join(PROJECT_ROOT, 'examples'), work, { recursive: true });
    // PATH without this checkout's node_modules/.bin: the installed command alone.
    const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${join(process.execPath, '..')}:/usr/bin:/bin` };
    const v = spawnSync('vmonboard', ['validate', 'quickstart.yaml'], { cwd: work, env, encoding: 'utf8' });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stderr).toContain('quickstart.yaml: valid');
    const r = spawnSync('vmonboard', ['render', 'quickstart.yaml', '-o', 'out'], { cwd: work, env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(work, 'out/cluster/charts/vmonboard-mesh/Chart.yaml'))).toBe(true);
    expect(spawnSync('vmonboard', ['--version'], { env, encoding: 'utf8' }).stdout.trim()).toBe(pkg.version);
  });
});
