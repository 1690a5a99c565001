/**
 * The mesh's identity side of one e2e run: the mesh PKI, the SPIRE server stand-in and the istiod
 * stand-in, both behind the gateway stub's `spire` and `istiod` ports (TLS passthrough). A
 * rendered spec carries the PKI's root as trust.meshRootCA (render-fixture.ts) and installs its
 * cluster side here: the spire chart values' ClusterStaticEntries become the server's
 * registration entries, the mesh chart values' workloads become istiod's WorkloadGroups.
 */
import jsYaml from 'js-yaml';
import type { Bundle } from '../../../src/bundle/bundle.js';
import type { GatewayStub } from './gateway-stub.js';
import type { MetadataStub } from './metadata-stub.js';
import { IstiodStandin, type WorkloadGroupRef } from './istiod-standin.js';
import { createMeshPki, type MeshPki } from './mesh-pki.js';
import { SpireServerStandin, type StaticEntry } from './spire-server-standin.js';
import type { StandinEvents } from './standin-events.js';

/** The trust domain of the e2e spec (test/e2e/fixtures/e2e-spec/spec.yaml mesh.trustDomain). */
export const E2E_TRUST_DOMAIN = 'example.org';

/** The running identity services. */
export interface MeshIdentity {
  pki: MeshPki;
  spireServer: SpireServerStandin;
  istiod: IstiodStandin;
  close(): Promise<void>;
}

/**
 * Creates the PKI in `dir`, starts both stand-ins and routes the gateway's spire and istiod ports
 * to them; the SPIRE server checks cloud attestation evidence with `metadata`'s signing key.
 */
export async function startMeshIdentity(dir: string, events: StandinEvents, gateway: GatewayStub, metadata: MetadataStub, trustDomain = E2E_TRUST_DOMAIN): Promise<MeshIdentity> {
  const pki = await createMeshPki(dir, trustDomain);
  const spireServer = await SpireServerStandin.start(pki, events, metadata);
  let istiod: IstiodStandin;
  try {
    istiod = await IstiodStandin.start(pki, events);
  } catch (err) {
    await spireServer.tls.close();
    throw err;
  }
  gateway.forward('spire', spireServer.port);
  gateway.forward('istiod', istiod.port);
  return {
    pki,
    spireServer,
    istiod,
    async close() {
      await Promise.all([spireServer.tls.close(), istiod.tls.close()]);
    },
  };
}

function bundleYaml(bundle: Bundle, file: string): unknown {
  const f = bundle.get(file);
  if (!f) throw new Error(`the rendered bundle has no ${file}`);
  return jsYaml.load(typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('utf8'));
}

/** Installs a rendered bundle's cluster side (registration entries, WorkloadGroups, istiod host names) into the stand-ins. */
export async function registerRenderedIdentity(identity: MeshIdentity, bundle: Bundle): Promise<void> {
  const spire = bundleYaml(bundle, 'cluster/spire.values.yaml') as {
    global?: { spire?: { trustDomain?: string } };
    'spire-server'?: { controllerManager?: { identities?: { clusterStaticEntries?: Record<string, StaticEntry> } } };
  };
  const td = spire.global?.spire?.trustDomain;
  if (td !== identity.pki.trustDomain) throw new Error(`the rendered spire values have trust domain ${td}; the e2e PKI is for ${identity.pki.trustDomain}`);
  const entries = spire['spire-server']?.controllerManager?.identities?.clusterStaticEntries;
  if (!entries || Object.keys(entries).length === 0) throw new Error('cluster/spire.values.yaml renders no clusterStaticEntries: no VM could get an SVID');
  identity.spireServer.register(entries);

  const mesh = bundleYaml(bundle, 'cluster/mesh-registration.values.yaml') as {
    workloadGroups?: { enabled?: boolean };
    workloads?: WorkloadGroupRef[];
    eastWest?: { istiod?: { sniHosts?: string[] } };
  };
  const groups = mesh.workloadGroups?.enabled === true ? (mesh.workloads ?? []).map((w) => ({ name: w.name, namespace: w.namespace, serviceAccount: w.serviceAccount })) : [];
  await identity.istiod.register(groups, mesh.eastWest?.istiod?.sniHosts ?? []);
}
