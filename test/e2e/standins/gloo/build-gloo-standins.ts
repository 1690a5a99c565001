/**
 * Builds the flavor-gloo stand-ins the loopback mirror serves next to the harness's own:
 * - gloo-workload-agent.deb (package gloo-workload-agent, a marker file only: the real package's
 *   contents are not public, gloo-vm-facts.md §3);
 * - meshctl: a bash program that checks its `ew onboard` command line against the workshop flags
 *   (ONBOARD_FLAGS of src/delivery/gloo/onboard-args.ts, generated into it), records it, installs
 *   the two packages from the --gloo/--istio URLs and prints "Onboarding complete!".
 * The Solo istio-sidecar is the harness's istio-sidecar stand-in, served under the URL the spec
 * overrides for it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ONBOARD_FLAGS } from '../../../../src/delivery/gloo/onboard-args.js';
import { takesGatewayServiceAccount } from '../../../../src/gloo/facts.js';
import { requireHostTool } from '../../harness/host-tools.js';
import { runOk } from '../../harness/run.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** One built stand-in with the mirror path it is served under and its sha256. */
export interface GlooStandin {
  mirrorPath: string;
  bytes: Buffer;
  sha256: string;
}

function standin(mirrorPath: string, bytes: Buffer): GlooStandin {
  return { mirrorPath, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Renders the stand-in meshctl for a Gloo version (the flag list it accepts depends on it). */
export function standinMeshctl(glooVersion: string): string {
  return readFileSync(path.join(HERE, 'meshctl.sh'), 'utf8')
    .replace('@FLAGS@', ONBOARD_FLAGS.join(' '))
    .replace('@SA_FLAG@', takesGatewayServiceAccount(glooVersion) ? 'yes' : 'no');
}

/** Builds gloo-workload-agent.deb and meshctl for `glooVersion` under `workDir`. */
export async function buildGlooStandins(workDir: string, glooVersion: string): Promise<{ agent: GlooStandin; meshctl: GlooStandin }> {
  const stage = path.join(workDir, 'gloo-workload-agent');
  mkdirSync(path.join(stage, 'DEBIAN'), { recursive: true });
  mkdirSync(path.join(stage, 'usr/share/gloo-workload-agent-standin'), { recursive: true });
  writeFileSync(path.join(stage, 'DEBIAN/control'), readFileSync(path.join(HERE, 'gloo-workload-agent/DEBIAN/control'), 'utf8').replace('@VERSION@', glooVersion));
  writeFileSync(path.join(stage, 'usr/share/gloo-workload-agent-standin/README'), `STAND-IN gloo-workload-agent ${glooVersion} for the vmonboard e2e tests.\n`);
  const deb = path.join(workDir, 'gloo-workload-agent.deb');
  await runOk(requireHostTool('dpkg-deb'), ['--root-owner-group', '-Zgzip', '--build', stage, deb]);
  return {
    agent: standin(`gloo-workload-agent/${glooVersion}/gloo-workload-agent.deb`, readFileSync(deb)),
    meshctl: standin(`meshctl/${glooVersion}/meshctl-linux-amd64`, Buffer.from(standinMeshctl(glooVersion))),
  };
}
