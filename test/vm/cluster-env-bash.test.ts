// cluster.env sourced the way istio-start.sh sources it (`set -a; . cluster.env`) by a real bash:
// every variable must come out exactly as intended, including hostile label values, and sourcing
// must run nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Model } from '../../src/model/model.js';
import { buildClusterEnv, renderClusterEnv } from '../../src/vm/cluster-env.js';
import { requireExecutable } from '../validators/require-tool.js';
import { ISTIO_CASES, variantOf } from './model-variants.js';

const dir = mkdtempSync(join(tmpdir(), 'vmonboard-cluster-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Sources a cluster.env text in a clean bash and returns the variables it set (NUL-separated env, so newlines survive). */
function sourceInBash(text: string): Record<string, string> {
  const bash = requireExecutable('/bin/bash', 'bash');
  const file = join(dir, `cluster-${Math.random().toString(36).slice(2)}.env`);
  writeFileSync(file, text);
  // `env -0` prints the exported environment; set -a exports every assignment, as istio-start.sh does.
  const out = execFileSync('/usr/bin/env', ['-i', bash, '--noprofile', '--norc', '-c', 'set -a; . "$1"; set +a; exec /usr/bin/env -0', 'bash', file], {
    encoding: 'utf8',
  });
  const vars: Record<string, string> = {};
  for (const entry of out.split('\0')) {
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    vars[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  // bash's own variables in a clean environment.
  for (const k of ['PWD', 'SHLVL', '_', 'OLDPWD']) delete vars[k];
  return vars;
}

function expectRoundTrip(model: Model): void {
  for (const workload of model.workloads) {
    const env = buildClusterEnv(model, workload);
    expect(sourceInBash(renderClusterEnv(model, env))).toEqual(env);
  }
}

describe('sourcing cluster.env in bash gives exactly the intended values', () => {
  for (const name of ISTIO_CASES) {
    it(name, async () => {
      expectRoundTrip(await variantOf(name));
    });
  }

  it('hostile label values: quotes, $(), backticks, ${}, newlines, backslashes — nothing runs', async () => {
    const marker1 = join(dir, 'pwned-subshell');
    const marker2 = join(dir, 'pwned-backtick');
    const model = await variantOf('aws-cloudinit', (m) => {
      const w = m.workloads[0]!;
      w.labels = {
        app: `it's "q" $(touch ${marker1}) \`touch ${marker2}\` \${HOME} $PATH`,
        version: "line1\nline2'\n'; echo oops #\\",
        'weird.key/with-slash': "''''",
      };
    });
    expectRoundTrip(model);
    expect(existsSync(marker1)).toBe(false);
    expect(existsSync(marker2)).toBe(false);
    const env = sourceInBash(renderClusterEnv(model, buildClusterEnv(model, model.workloads[0]!)));
    expect(env.CANONICAL_SERVICE).toBe(model.workloads[0]!.labels.app);
    expect(env.CANONICAL_REVISION).toBe("line1\nline2'\n'; echo oops #\\");
    expect(JSON.parse(env.ISTIO_METAJSON_LABELS!)).toMatchObject(model.workloads[0]!.labels);
  });

  it('a spec file name with a newline cannot escape the header comment', async () => {
    const model = await variantOf('gcp-startup-script', (m) => {
      m.sourceName = 'spec.yaml\nTRUST_DOMAIN=evil';
    });
    const env = sourceInBash(renderClusterEnv(model, buildClusterEnv(model, model.workloads[0]!)));
    expect(env.TRUST_DOMAIN).toBe('example.org');
  });

  it('the round trip detects a wrong value (so the comparison can fail)', async () => {
    const model = await variantOf('aws-cloudinit');
    const env = buildClusterEnv(model, model.workloads[0]!);
    const tampered = renderClusterEnv(model, env).replace("TRUST_DOMAIN='example.org'", 'TRUST_DOMAIN=$(echo other.org)');
    expect(sourceInBash(tampered)).not.toEqual(env);
  });
});
