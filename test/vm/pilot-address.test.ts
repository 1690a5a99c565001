/**
 * cluster.env's PILOT_ADDRESS and mesh.yaml's discoveryAddress always agree (issue 14 §4).
 * istio 1.27.1 tools/packaging/common/istio-start.sh turns a set PILOT_ADDRESS into
 * `PROXY_CONFIG="...discoveryAddress: ${CUSTOM_PILOT_ADDRESS}"` and exports it, and pilot-agent
 * applies PROXY_CONFIG over the mesh config file (pilot/cmd/pilot-agent/config getMeshConfig), so
 * if the two ever differed, the environment would silently win over mesh.yaml. Both come from
 * istiodAddress(); this checks the rendered files, read back by a real bash and by PyYAML, over
 * every flavor istio golden case and generated istiod names, namespaces, revisions and ports.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Model } from '../../src/model/model.js';
import { buildClusterEnv, renderClusterEnv } from '../../src/vm/cluster-env.js';
import { renderMeshConfig } from '../../src/vm/mesh-config.js';
import { requireExecutable } from '../validators/require-tool.js';
import { readWithPyYAML } from '../validators/pyyaml.js';
import { ISTIO_CASES, variantOf } from './model-variants.js';

/**
 * What istio-start.sh 1.27.1 derives from cluster.env (lines 96-127 of that file, restated):
 * CUSTOM_PILOT_ADDRESS from PILOT_ADDRESS, CA_ADDR falling back to it, and the discoveryAddress
 * line it appends to PROXY_CONFIG.
 */
const ISTIO_START_1_27_1 = [
  'set -a; . "$1"; set +a',
  'CUSTOM_PILOT_ADDRESS="${PILOT_ADDRESS:-}"',
  'CA_ADDR=${CA_ADDR:-${CUSTOM_PILOT_ADDRESS:-istiod.${ISTIO_SYSTEM_NAMESPACE:-istio-system}.svc:15012}}',
  'if [ -n "${CUSTOM_PILOT_ADDRESS}" ]; then PROXY_CONFIG="${PROXY_CONFIG:-}',
  'discoveryAddress: ${CUSTOM_PILOT_ADDRESS}',
  '"; fi',
  'printf "%s\\0%s\\0" "$CA_ADDR" "${PROXY_CONFIG:-}"',
].join('\n');

const dir = mkdtempSync(join(tmpdir(), 'vmonboard-pilot-address-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function startScriptView(clusterEnv: string): { caAddr: string; proxyConfigDiscovery: string | undefined } {
  const bash = requireExecutable('/bin/bash', 'bash');
  // A file, not /dev/stdin: Node's stdin pipe is a socket, which /proc/self/fd/0 cannot reopen.
  const file = join(dir, `cluster-${++files}.env`);
  writeFileSync(file, clusterEnv);
  const out = execFileSync('/usr/bin/env', ['-i', bash, '--noprofile', '--norc', '-c', ISTIO_START_1_27_1, 'bash', file], { encoding: 'utf8' });
  const [caAddr, proxyConfig] = out.split('\0');
  return { caAddr: caAddr!, proxyConfigDiscovery: /^discoveryAddress: (.*)$/m.exec(proxyConfig ?? '')?.[1] };
}

async function expectAgreement(model: Model): Promise<void> {
  for (const w of model.workloads) {
    const mesh = (await readWithPyYAML(renderMeshConfig(model, w))) as { defaultConfig: { discoveryAddress: string } };
    const view = startScriptView(renderClusterEnv(model, buildClusterEnv(model, w)));
    expect(view.proxyConfigDiscovery, `${model.name}/${w.name}`).toBe(mesh.defaultConfig.discoveryAddress);
    // istiod's CA is the same address, so certificates and xDS reach one istiod revision.
    expect(view.caAddr).toBe(mesh.defaultConfig.discoveryAddress);
  }
}

describe('PILOT_ADDRESS and mesh.yaml discoveryAddress', () => {
  it.each(ISTIO_CASES)('agree in golden case %s, as istio-start.sh 1.27.1 reads them', async (name) => {
    await expectAgreement(await variantOf(name));
  });

  it('agree for any istiod service, namespace, revision and gateway port', async () => {
    const base = await variantOf('aws-cloudinit');
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
    await fc.assert(
      fc.asyncProperty(label, label, fc.option(label, { nil: undefined }), fc.integer({ min: 1, max: 65535 }), async (service, namespace, revision, port) => {
        const m = structuredClone(base);
        m.mesh.istiod = { namespace, service, host: `${service}.${namespace}.svc` };
        if (revision === undefined) delete m.mesh.revision;
        else m.mesh.revision = revision;
        m.gateway.ports.istiod = port;
        await expectAgreement(m);
      }),
      { numRuns: 25 },
    );
  });
});
