/**
 * The node-attestation side of the SPIRE server stand-in (spire-server-standin.ts calls it from
 * its TLS `attest` op): it holds the spec the server would be configured from (its attestor
 * allow lists and node-alias entries) and the minted join tokens, runs attestNode on the
 * stand-in agent's evidence, and records every verdict in the event log as agent
 * `spire-server`: `did` (attested, with selectors and aliases) or `fail` (refused, or attested
 * without any matching node alias: its workloads get no SVID), so a boot fails saying why.
 */
import { randomBytes } from 'node:crypto';
import type { Model } from '../../../src/model/model.js';
import type { MetadataStub } from './metadata-stub.js';
import { attestNode, type AttestReply, type AttestRequest } from './spire-server-attestation.js';
import type { StandinEvents } from './standin-events.js';

/** Outstanding challenges by session, with the request that started each. */
export type Challenges = Map<string, { nonce: string; first: AttestRequest }>;

/** One attestation the server decided. */
export interface AttestationRecord {
  attestor: string;
  reply: AttestReply;
}

/** The server side of node attestation: judges evidence, remembers issued agent SVIDs. */
export class AttestationJudge {
  readonly attestations: AttestationRecord[] = [];
  private model: Model | undefined;
  private readonly joinTokens = new Map<string, string>();
  /** Challenges of callers that pass no connection of their own (the judge's unit tests). */
  private readonly ownChallenges: Challenges = new Map();
  /** Agents this server issued an SVID to: a restarted agent presents it instead of attesting again. */
  private readonly issued = new Map<string, AttestReply>();

  constructor(private readonly metadata: MetadataStub, private readonly events: StandinEvents) {}

  /** Configures the server from a spec (the rendered chart's attestors and entries derive from the same model). */
  trust(model: Model): void {
    this.model = model;
  }

  /** `spire-server token generate -spiffeID <aliasId>`: a single-use token mapped to the alias. */
  mintJoinToken(aliasId: string): string {
    const token = randomBytes(16).toString('hex');
    this.joinTokens.set(token, aliasId);
    return token;
  }

  /**
   * Handles one attestation message from the stand-in agent (or a restarted agent's `resume` with
   * its SVID's ID). `challenges` belongs to the connection: as in SPIRE, where the challenge and
   * its response travel on the one AttestAgent stream, a response on another connection is refused.
   */
  async handle(req: AttestRequest & { resume?: string }, challenges: Challenges = this.ownChallenges): Promise<AttestReply> {
    if (req.resume !== undefined) {
      // The real agent keeps its SVID in data_dir and re-uses it after a restart (no new attestation).
      const known = this.issued.get(req.resume);
      if (known) return known;
      const reply = { error: `agent ${req.resume} presents an SVID this server never issued` };
      this.events.record({ agent: 'spire-server', event: 'fail', detail: { errors: [reply.error] } });
      return reply;
    }
    if (!this.model) {
      const reply = { error: 'the SPIRE server stand-in was configured with no spec (render one first)' };
      this.events.record({ agent: 'spire-server', event: 'fail', detail: { errors: [reply.error] } });
      return reply;
    }
    // A response names its attestor through the challenge it answers.
    const attestor = req.session ? (challenges.get(req.session)?.first.attestor ?? req.attestor) : req.attestor;
    const reply = await attestNode({ model: this.model, cloudKey: this.metadata.verifyKey, cloud: () => this.metadata.identity, joinTokens: this.joinTokens }, req, challenges);
    if ('challenge' in reply) return reply;
    this.attestations.push({ attestor, reply });
    if ('error' in reply) {
      this.events.record({ agent: 'spire-server', event: 'fail', detail: { errors: [`node attestation refused: ${reply.error}`] } });
    } else if (reply.aliases.length === 0) {
      this.issued.set(reply.agent_id, reply);
      this.events.record({
        agent: 'spire-server',
        event: 'fail',
        detail: { errors: [`node ${reply.agent_id} attested with selectors [${reply.selectors.join(', ')}] but matches no node alias, so its workloads get no SVID: ${reply.unmatched.join('; ')}`] },
      });
    } else {
      this.issued.set(reply.agent_id, reply);
      this.events.record({ agent: 'spire-server', event: 'did', detail: { action: 'attest', agent_id: reply.agent_id, selectors: reply.selectors, aliases: reply.aliases } });
    }
    return reply;
  }
}
