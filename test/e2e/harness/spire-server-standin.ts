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
 * Node attestation (`op: attest`) carries the evidence of the agent's NodeAttestor plugin (the
 * IID document, GCE token, Azure attested document, x509pop chain and proof, join token) and the
 * agent's CSR, answered with its agent SVID; a restarted agent sends `resume` with its agent ID
 * over mTLS with that SVID (an ID alone is refused); the AttestationJudge (spire-attestation-judge.ts,
 * attestNode) judges it against the spec the server is configured from, with a challenge and
 * response on the same connection for azure_imds and x509pop. The node aliases it grants select
 * the registration entries parented by them; the agent sends one CSR per entry and receives an X509-SVID
 * signed by the SPIRE signing CA (what the server's BuildWorkloadX509SVIDTemplate mints) plus
 * the trust bundle (the mesh root: with the disk UpstreamAuthority and `bundle_file_path`, the
 * bundle is the upstream root).
 */
import type { TLSSocket } from 'node:tls';
import type { Model } from '../../../src/model/model.js';
import type { StandinEvents } from './standin-events.js';
import { JsonLineTlsServer } from './json-line-server.js';
import type { MeshPki } from './mesh-pki.js';
import type { MetadataStub } from './metadata-stub.js';
import { AttestationJudge, type AttestationRecord, type Challenges } from './spire-attestation-judge.js';
import type { AttestRequest } from './spire-server-attestation.js';

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
    /** Judges node-attestation evidence; records its own verdicts as agent `spire-server`. */
    readonly judge: AttestationJudge,
  ) {}

  /** Every attestation the server decided (challenges excluded), oldest first. */
  get attestations(): AttestationRecord[] {
    return this.judge.attestations;
  }

  /** Configures node attestation from a spec (its attestor allow lists and node aliases). */
  trust(model: Model): void {
    this.judge.trust(model);
  }

  /** `spire-server token generate -spiffeID <aliasId>`: a single-use join token. */
  mintJoinToken(aliasId: string): string {
    return this.judge.mintJoinToken(aliasId);
  }

  get port(): number {
    return this.tls.port;
  }

  /**
   * Starts the server with the PKI's server SVID; reports to `events` as agent `spire-server`.
   * The metadata stub's verification key checks the cloud evidence its stubs signed.
   */
  static async start(pki: MeshPki, events: StandinEvents, metadata: MetadataStub): Promise<SpireServerStandin> {
    let self: SpireServerStandin | undefined;
    // A client certificate is asked for, not required: attestation is server-authenticated only;
    // a restarted agent authenticates with the agent SVID it was issued (verified against the root).
    const tls = await JsonLineTlsServer.start({ key: pki.serverSvid.keyPem, cert: pki.serverSvid.chainPem, ca: pki.root.certPem, requestCert: true, rejectUnauthorized: false }, async (req, socket, session) => {
      const reply = await self!.handle(req, socket, session);
      // The judge records attestation verdicts itself; a challenge is no verdict.
      if (reply.judged || reply.challenge !== undefined) return strip(reply);
      events.record({ agent: 'spire-server', event: reply.error ? 'fail' : 'did', detail: { action: req.op, ...(reply.error ? { errors: [reply.error] } : { spiffe_ids: reply.spiffe_ids ?? [] }) } });
      return strip(reply);
    });
    self = new SpireServerStandin(tls, pki, new AttestationJudge(metadata, events));
    return self;
  }

  /** Installs registration entries (ClusterStaticEntries by name; a later render replaces an entry of the same name). */
  register(entries: Record<string, StaticEntry>): void {
    for (const [name, e] of Object.entries(entries)) this.entries.set(name, e);
  }

  private async handle(req: Record<string, unknown>, socket: TLSSocket, session: Map<string, unknown>): Promise<Record<string, unknown>> {
    const td = this.pki.trustDomain;
    const serverId = `spiffe://${td}/spire/server`;
    if (req.op === 'attest') {
      if (req.trust_domain !== td) return { error: `agent trust domain ${JSON.stringify(req.trust_domain)} is not the server's ${td}` };
      if (req.resume !== undefined) {
        // The real agent re-uses its agent SVID from data_dir over mTLS; an agent ID alone proves nothing.
        const peer = socket.getPeerX509Certificate();
        const uris = (peer?.subjectAltName ?? '').split(', ').filter((u) => u.startsWith('URI:')).map((u) => u.slice(4));
        if (!peer || !socket.authorized || !uris.includes(String(req.resume))) {
          return { error: `failed to attest: agent ${String(req.resume)} presents no agent SVID issued by this server (${!peer ? 'no client certificate' : !socket.authorized ? String(socket.authorizationError) : `its certificate is ${uris.join(', ') || 'without a URI SAN'}`})` };
        }
      }
      // Challenges live with the connection (one AttestAgent stream in SPIRE).
      const challenges = (session.get('challenges') as Challenges | undefined) ?? new Map();
      session.set('challenges', challenges);
      const verdict = await this.judge.handle(req as unknown as AttestRequest & { resume?: string }, challenges);
      if ('challenge' in verdict) return { challenge: verdict.challenge, session: verdict.session };
      if ('error' in verdict) return { error: `failed to attest: ${verdict.error}`, judged: true };
      const all = [...this.entries.values()];
      // The aliases the evidence earns must be registered (the chart's ClusterStaticEntries, parented by the server).
      const aliases = verdict.aliases.filter((a) => all.some((e) => e.spiffeID === a && e.parentID === serverId));
      // Two aliases may parent the same workload ID (one workload on two platforms): one SVID each.
      const issuable = [...new Map(all.filter((e) => aliases.includes(e.parentID)).map((e) => [e.spiffeID, e])).values()];
      session.set('issuable', issuable);
      // A fresh attestation issues the agent SVID (the agent's CSR, SPIFFE ID = its agent ID), which a restart presents.
      const agentSvid = req.resume === undefined && typeof req.agent_csr === 'string' ? { agent_svid: (await this.pki.signWorkloadSvid(req.agent_csr, verdict.agent_id)).chain } : {};
      // A node with no alias still attests, it just gets no entries (the judge records why).
      return { ...agentSvid, agent_id: verdict.agent_id, aliases, entries: issuable.map((e) => ({ spiffe_id: e.spiffeID, selectors: e.selectors })), spiffe_ids: issuable.map((e) => e.spiffeID), judged: aliases.length === 0 };
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

/** The reply as the agent sees it (without the harness's bookkeeping flag). */
function strip(reply: Record<string, unknown>): Record<string, unknown> {
  const { judged: _judged, ...rest } = reply;
  return rest;
}
