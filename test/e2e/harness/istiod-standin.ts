/**
 * istiod's xDS port as a VM's pilot-agent meets it: real TLS on loopback (reached through the
 * gateway stub's `istiod` port), serving a certificate from istiod's plugged-in CA for the
 * discovery host names, and authenticating the proxy the way istio 1.27.1 does:
 *
 * 1. TLS with `ClientAuth: tls.VerifyClientCertIfGiven` and the mesh root as client CA
 *    (pilot/pkg/bootstrap/server.go); the VM has no token, so no verified client certificate
 *    means no identity: refused.
 * 2. `checkConnectionIdentity` (pilot/pkg/xds/auth.go): a SPIFFE ID of the mesh trust domain whose
 *    namespace is the proxy's namespace and whose service account is the proxy's SERVICE_ACCOUNT.
 * 3. Auto-registration (pilot/pkg/autoregistration/controller.go): the WorkloadGroup named by
 *    ISTIO_META_AUTO_REGISTER_GROUP must exist in the proxy's namespace ("cannot find
 *    WorkloadGroup"), and `ensureProxyCanControlEntry` requires the verified identity's namespace
 *    and service account to be the group's.
 *
 * The WorkloadGroups are the rendered bundle's: charts/vmonboard-mesh makes one per
 * `workloads[]` item of cluster/mesh-registration.values.yaml (name, namespace,
 * template.serviceAccount = serviceAccount).
 */
import type { TLSSocket } from 'node:tls';
import type { StandinEvents } from './standin-events.js';
import { JsonLineTlsServer } from './json-line-server.js';
import type { MeshPki } from './mesh-pki.js';

/** A WorkloadGroup as istiod would read it. */
export interface WorkloadGroupRef {
  name: string;
  namespace: string;
  serviceAccount: string;
}

/** The SPIFFE URIs of a peer certificate (Node's `subjectaltname`, e.g. "URI:spiffe://td/ns/a/sa/b"). */
function spiffeIds(socket: TLSSocket): string[] {
  const cert = socket.getPeerX509Certificate();
  if (!cert) return [];
  return (cert.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('URI:spiffe://')).map((s) => s.slice('URI:'.length));
}

/** The running istiod stand-in. */
export class IstiodStandin {
  private readonly groups = new Map<string, WorkloadGroupRef>();
  private readonly hosts = new Set<string>(['istiod.istio-system.svc']);
  private constructor(
    readonly tls: JsonLineTlsServer,
    private readonly pki: MeshPki,
  ) {}

  get port(): number {
    return this.tls.port;
  }

  /** Starts the server; reports each authentication verdict to `events` as agent `istiod`. */
  static async start(pki: MeshPki, events: StandinEvents): Promise<IstiodStandin> {
    const serving = await pki.issueIstiodServing(['istiod.istio-system.svc']);
    let self: IstiodStandin | undefined;
    const tls = await JsonLineTlsServer.start(
      { key: serving.keyPem, cert: serving.chainPem, ca: pki.root.certPem, requestCert: true, rejectUnauthorized: false },
      async (req, socket) => {
        const reply = self!.authenticate(req, socket);
        events.record({ agent: 'istiod', event: reply.error ? 'fail' : 'did', detail: { action: 'xds-connect', ...(reply.error ? { errors: [reply.error] } : { identity: reply.identity, workload_group: reply.workload_group }) } });
        return reply;
      },
    );
    self = new IstiodStandin(tls, pki);
    return self;
  }

  /** Installs WorkloadGroups and makes the serving certificate cover the discovery host names `sniHosts`. */
  async register(groups: WorkloadGroupRef[], sniHosts: string[]): Promise<void> {
    for (const g of groups) this.groups.set(`${g.namespace}/${g.name}`, g);
    const before = this.hosts.size;
    for (const h of sniHosts) this.hosts.add(h);
    if (this.hosts.size === before) return;
    const serving = await this.pki.issueIstiodServing([...this.hosts]);
    this.tls.setContext({ key: serving.keyPem, cert: serving.chainPem, ca: this.pki.root.certPem });
  }

  private authenticate(req: Record<string, unknown>, socket: TLSSocket): Record<string, unknown> {
    const td = this.pki.trustDomain;
    const namespace = String(req.namespace ?? '');
    const serviceAccount = String(req.service_account ?? '');
    const group = String(req.auto_register_group ?? '');
    if (!socket.getPeerX509Certificate()) return { error: 'authentication failure: no client certificate and no token (the VM must present its SVID)' };
    if (!socket.authorized) return { error: `authentication failure: client certificate does not verify against the mesh root: ${String(socket.authorizationError)}` };
    const ids = spiffeIds(socket).filter((id) => id.startsWith(`spiffe://${td}/`));
    if (ids.length === 0) return { error: `authentication failure: the client certificate has no SPIFFE ID of trust domain ${td}` };
    // checkConnectionIdentity: spiffe://<td>/ns/<ns>/sa/<sa>.
    const parsed = ids.map((id) => /^spiffe:\/\/[^/]+\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(id)).find((m) => m && (!namespace || m[1] === namespace) && (!serviceAccount || m[2] === serviceAccount));
    if (!parsed) return { error: `authorization failed: no identities (${ids.join(',')}) matched ${namespace}/${serviceAccount}` };
    const identity = parsed[0];
    const wg = this.groups.get(`${namespace}/${group}`);
    if (!wg) return { error: `auto-registration failed: cannot find WorkloadGroup ${namespace}/${group}` };
    if (parsed[1] !== wg.namespace) return { error: `registration of WorkloadEntry namespace mismatch: "${parsed[1]}" vs "${wg.namespace}"` };
    if (wg.serviceAccount && parsed[2] !== wg.serviceAccount) return { error: `registration of WorkloadEntry service account mismatch: "${parsed[2]}" vs "${wg.serviceAccount}"` };
    return { ok: true, identity, workload_group: `${wg.namespace}/${wg.name}` };
  }
}
