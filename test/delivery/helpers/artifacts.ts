/**
 * Stand-in artifacts for bash tests: every pin of a model is pointed at a file the sandbox's curl
 * shim serves, with the file's real sha256, so the bootstrap's download, checksum and install
 * steps run for real. The SPIRE pin is a real tar.gz laid out like the release
 * (spire-<ver>/bin/spire-agent; spire-otel.md §5) whose agent is a small script.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Model } from '../../../src/model/model.js';
import type { Sandbox } from './sandbox.js';

/** The fake spire-agent: records its argv; `healthcheck` exits $SHIM_RC_spire_health (default 0). */
const FAKE_SPIRE_AGENT = `#!/bin/bash
printf 'spire-agent' >>"$SHIM_LOG"; for a; do printf '\\t%s' "$a" >>"$SHIM_LOG"; done; printf '\\n' >>"$SHIM_LOG"
if [[ \${1:-} == healthcheck ]]; then exit "\${SHIM_RC_spire_health:-0}"; fi
`;

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Returns a copy of the model whose pins point at sandbox-served artifacts (`tag` varies the
 * bytes, so a second call gives new versions with new checksums).
 */
export function withSandboxArtifacts(sb: Sandbox, model: Model, tag = 'v1'): Model {
  const m = structuredClone(model);
  for (const pin of m.artifacts.pins) {
    const name = `${pin.component}-${tag}-${pin.format}-${pin.arch}.${pin.format === 'tar.gz' ? 'tar.gz' : pin.format}`;
    const file = join(sb.files, name);
    if (pin.component === 'spire') {
      const src = join(sb.dir, `spire-src-${tag}-${pin.arch}`);
      const top = `spire-${pin.version}`;
      mkdirSync(join(src, top, 'bin'), { recursive: true });
      writeFileSync(join(src, top, 'bin', 'spire-agent'), `${FAKE_SPIRE_AGENT}# ${tag} ${pin.arch}\n`, { mode: 0o755 });
      execFileSync('tar', ['-czf', file, '-C', src, top]);
    } else {
      writeFileSync(file, `fake ${pin.component} ${tag} ${pin.format} ${pin.arch}\n`);
    }
    pin.url = `https://mirror.test/pkgs/${name}`;
    pin.sha256 = sha256(file);
  }
  return m;
}
