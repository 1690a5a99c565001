import { describe, expect, it } from 'vitest';
import { requireExecutable } from './require-tool.js';
import { PROJECT_ROOT, UPSTREAM_DIR, readUpstream } from './upstream.js';

describe('fail-loud tool and file lookups', () => {
  it('finds the Debian tools the validators run', () => {
    expect(requireExecutable('cloud-init', 'cloud-init')).toMatch(/\/cloud-init$/);
    expect(requireExecutable('/usr/bin/python3', 'python3')).toBe('/usr/bin/python3');
  });

  it('throws naming the Debian package when a tool is missing', () => {
    expect(() => requireExecutable('vmonboard-no-such-tool', 'no-such-package')).toThrow(
      "vmonboard-no-such-tool not found: install the Debian package 'no-such-package' (apt-get install -y no-such-package)",
    );
    expect(() => requireExecutable('/nonexistent/python3', 'python3')).toThrow(/Debian package 'python3'/);
  });

  it('resolves shared/upstream from the project root, not the cwd, and throws on a missing file', () => {
    expect(UPSTREAM_DIR).toBe(`${PROJECT_ROOT.replace(/\/[^/]+$/, '')}/shared/upstream`);
    expect(() => readUpstream('istio/no-such-file.yaml')).toThrow(/upstream file missing: .*no-such-file.yaml/);
  });
});
