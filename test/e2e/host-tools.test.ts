/**
 * The e2e suite never skips silently: without debootstrap or systemd-nspawn every scenario's
 * setup throws an error that names the Debian package to install.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requireE2eHost } from './harness/host-tools.js';
import { startE2eEnv } from './harness/e2e-env.js';

const savedPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = savedPath;
});

describe('e2e host tools', () => {
  it('fail loudly, naming debootstrap and systemd-container, when they are not on PATH', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'vmonboard-empty-path-'));
    try {
      process.env.PATH = empty;
      expect(() => requireE2eHost()).toThrow(/debootstrap \(Debian package 'debootstrap'\).*systemd-nspawn \(Debian package 'systemd-container'\).*apt-get install -y debootstrap systemd-container/s);
      // The scenarios' shared setup goes through the same check before anything else.
      await expect(startE2eEnv()).rejects.toThrow(/apt-get install -y .*systemd-container/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
