/**
 * The SPIRE server as a VM's agent meets it: real TLS on loopback (reached through the gateway
 * stub's `spire` port), presenting the server SVID spiffe://<td>/spire/server with its chain
 * (SVID → SPIRE signing CA → SPIRE upstream intermediate) from the run's mesh PKI. During node
 * attestation the real agent dials with server-authentication only and authorizes exactly that
 * ID against its bootstrap bundle (spiffe/spire v1.15.3 pkg/agent/client/dial.go:
 * tlsconfig.TLSClientConfig + tlsconfig.AuthorizeID(idutil.ServerID(td))); the agent stand-in
 * does the same, so a bundle without the mesh root fails the handshake there.
 *
 * Registration entries are the ones the cluster side installs: the spire chart values'
 * `spire-server.controllerManager.identities.clusterStaticEntries` of the rendered bundle.
 * "Attestation" here resolves the agent's node aliases as the entries whose selectors are all of
 * the agent's NodeAttestor type (aws_iid:…, x509pop:…); judging the attestation evidence against
 * the selector values is the attestation checks' job, not this TLS stand-in's. The agent then
 * gets the entries parented by those aliases, sends one CSR per entry, and receives an X509-SVID
 * signed by the SPIRE signing CA (what the server's BuildWorkloadX509SVIDTemplate mints) plus
 * the trust bundle (the mesh root: with the disk UpstreamAuthority and `bundle_file_path`, the
 * bundle is the upstream root).
 */
import type { StandinEvents } from './standin-events.js';
import { JsonLineTlsServer } from './json-line-server.js';
import type { MeshPki } from './mesh-pki.js';

/** One ClusterStaticEntry as the spire chart values carry it. */
export interface StaticEntry {
  parentID: string;
  spiffeID: string;
  selectors: string[];
}

/** The running SPIRE server stand-in. */
export class SpireServerStandin {
  /** Registration entries by ClusterStaticEntry name. */
  private readonly entries = new Map<string, StaticEntry>();
  private constructor(
    readonly tls: JsonLineTlsServer,
    private readonly pki: MeshPki,
  ) {}

  get port(): number {
    return this.tls.port;
  }

  /** Starts the server with the PKI's server SVID; reports to `events` as agent `spire-server`. */
  static async start(pki: MeshPki, events: StandinEvents): Promise<SpireServerStandin> {
    let self: SpireServerStandin | undefined;
    const tls = await JsonLineTlsServer.start({ key: pki.serverSvid.keyPem, cert: pki.serverSvid.chainPem }, async (req, _socket, session) => {
      const reply = await self!.handle(req, session);
      events.record({ agent: 'spire-server', event: reply.error ? 'fail' : 'did', detail: { action: req.op, ...(reply.error ? { errors: [reply.error] } : { spiffe_ids: reply.spiffe_ids ?? [] }) } });
      return reply;
    });
    self = new SpireServerStandin(tls, pki);
    return self;
  }

  /** Installs registration entries (ClusterStaticEntries by name; a later render replaces an entry of the same name). */
  register(entries: Record<string, StaticEntry>): void {
    for (const [name, e] of Object.entries(entries)) this.entries.set(name, e);
  }

  private async handle(req: Record<string, unknown>, session: Map<string, unknown>): Promise<Record<string, unknown>> {
    const td = this.pki.trustDomain;
    const serverId = `spiffe://${td}/spire/server`;
    if (req.op === 'attest') {
      const attestor = String(req.attestor ?? '');
      if (req.trust_domain !== td) return { error: `agent trust domain ${JSON.stringify(req.trust_domain)} is not the server's ${td}` };
      const all = [...this.entries.values()];
      const aliases = all.filter((e) => e.parentID === serverId && e.selectors.length > 0 && e.selectors.every((s) => s.startsWith(`${attestor}:`))).map((e) => e.spiffeID);
      // Two aliases may parent the same workload ID (one workload on two platforms): one SVID each.
      const issuable = [...new Map(all.filter((e) => aliases.includes(e.parentID)).map((e) => [e.spiffeID, e])).values()];
      session.set('issuable', issuable);
      // A node with no alias still attests (its agent ID is spiffe://<td>/spire/agent/...), it just gets no entries.
      return { agent_id: `spiffe://${td}/spire/agent/${attestor}/stand-in`, aliases, entries: issuable.map((e) => ({ spiffe_id: e.spiffeID, selectors: e.selectors })), spiffe_ids: issuable.map((e) => e.spiffeID) };
    }
    if (req.op === 'sign') {
      const issuable = (session.get('issuable') as StaticEntry[] | undefined) ?? [];
      const id = String(req.spiffe_id ?? '');
      if (!issuable.some((e) => e.spiffeID === id)) return { error: `not authorized to mint an SVID for ${id}: no entry for this agent` };
      const { chain, bundle } = await this.pki.signWorkloadSvid(String(req.csr ?? ''), id);
      return { chain, bundle, spiffe_ids: [id] };
    }
    return { error: `unknown op ${JSON.stringify(req.op)}` };
  }
}
