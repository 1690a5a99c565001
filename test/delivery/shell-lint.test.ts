/**
 * Every script the payloads emit or carry (bootstrap, startup-script.sh, install.sh, bake.sh,
 * verify.sh, uninstall.sh and the helpers placed on the VM) passes `bash -n` and
 * `shellcheck -S warning` (Debian's shellcheck; cloud-init.md §3.4), is LF-only without a BOM,
 * starts with its shebang, ends with `main "$@"`, and writes nothing under /tmp.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireExecutable } from '../validators/require-tool.js';
import { corpus } from './helpers/corpus.js';

interface Script {
  id: string;
  content: string;
}

let scripts: Script[] = [];

beforeAll(async () => {
  for (const c of await corpus()) {
    for (const f of c.payload.files.filter((x) => x.name.endsWith('.sh'))) scripts.push({ id: `${c.id}/${f.name}`, content: f.content as string }); // .sh files are text
    for (const h of c.helpers) scripts.push({ id: `${c.id}/(on the VM) ${h.name}`, content: h.content as string });
  }
}, 120_000);

/** Runs shellcheck over scripts written to a scratch directory; returns its gcc-format findings. */
function shellcheck(items: Script[], severity = 'warning'): string {
  const sc = requireExecutable('shellcheck', 'shellcheck');
  const dir = mkdtempSync(join(tmpdir(), 'vmonboard-shellcheck-'));
  try {
    const files = items.map((s, i) => {
      const p = join(dir, `${i}.sh`);
      writeFileSync(p, s.content);
      return p;
    });
    const r = spawnSync(sc, ['-S', severity, '-f', 'gcc', ...files], { encoding: 'utf8' });
    if (r.status !== 0 && r.status !== 1) throw new Error(`shellcheck exited ${r.status}: ${r.stderr}`);
    return r.stdout.replace(/^.*\/(\d+)\.sh:/gm, (_m, i: string) => `${items[Number(i)]!.id}:`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('emitted shell scripts', () => {
  it('cover every delivery form', () => {
    const names = new Set(scripts.map((s) => s.id.split('/').pop()));
    for (const n of ['bootstrap.sh', 'startup-script.sh', 'install.sh', 'bake.sh', 'verify.sh', 'uninstall.sh', 'vmonboard-verify', 'vmonboard-hosts']) {
      expect([...names].some((x) => x?.endsWith(n)), n).toBe(true);
    }
    expect(scripts.length).toBeGreaterThan(50);
  });

  it('pass shellcheck -S warning', () => {
    expect(shellcheck(scripts)).toBe('');
  });

  it('pass bash -n', () => {
    const bash = requireExecutable('bash', 'bash');
    for (const s of scripts) {
      const r = spawnSync(bash, ['-n'], { input: s.content, encoding: 'utf8' });
      expect(r.status, `${s.id}: ${r.stderr}`).toBe(0);
    }
  });

  it('are LF-only, without a BOM, shebang first, main "$@" last, strict, and never touch /tmp', () => {
    for (const s of scripts) {
      expect(s.content.includes('\r'), s.id).toBe(false);
      expect(s.content.charCodeAt(0), s.id).not.toBe(0xfeff);
      expect(s.content.startsWith('#!/bin/bash\n'), s.id).toBe(true);
      expect(s.content.endsWith('\nmain "$@"\n'), s.id).toBe(true);
      // verify collects failures instead of stopping at the first, so it alone runs without -e.
      expect(s.content, s.id).toMatch(/^set -E(eu|u)o pipefail$/m);
      // An absolute /tmp path ($ST/tmp, under /var/lib/vmonboard, is fine).
      expect(s.content, s.id).not.toMatch(/(^|[^\w$}.-])\/tmp\b/m);
    }
    const bootstraps = scripts.filter((s) => /(bootstrap|startup-script|install|bake)\.sh$/.test(s.id));
    for (const s of bootstraps) expect(s.content, s.id).toMatch(/^set -Eeuo pipefail$/m);
  });

  it('the lint itself fails on a bad script (the tools really run)', () => {
    const bad = { id: 'bad.sh', content: '#!/bin/bash\nfor f in $(ls *.txt); do echo $f; done\necho "$undefined_var"\n' };
    expect(shellcheck([bad])).toMatch(/bad\.sh:\d+:\d+: (warning|error): .*\[SC2045\]/);
    const r = spawnSync(requireExecutable('bash', 'bash'), ['-n'], { input: 'if then fi', encoding: 'utf8' });
    expect(r.status).not.toBe(0);
  });
});
