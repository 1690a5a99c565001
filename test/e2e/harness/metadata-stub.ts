/**
 * Loopback stand-ins for the cloud metadata services, reached through the bootstrap's test-only
 * base-URL override (no test ever contacts 169.254.169.254 or metadata.google.internal). Each
 * enforces the header its cloud requires, so a payload that forgets it fails here as it would
 * in the cloud: AWS is IMDSv2-only (as on Amazon Linux 2023), GCE needs Metadata-Flavor: Google,
 * Azure needs Metadata: true.
 */
import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultNodeIdentity, type NodeIdentity } from './node-identity.js';

/**
 * The audience the SPIRE gcp_iit agent asks the identity token for and the server requires
 * (spiffe/spire pkg/agent/plugin/nodeattestor/gcpiit identityTokenAudience, and the server
 * plugin's tokenAudience; the agent's URL is /computeMetadata/v1/instance/service-accounts/<sa>/identity).
 */
export const GCP_IIT_AUDIENCE = 'spire-gcp-node-attestor';

/** One request a stub answered (or refused). */
export interface MetadataRequest {
  cloud: 'aws' | 'gcp' | 'azure';
  method: string;
  path: string;
  status: number;
}

/** Serves /latest/**, /computeMetadata/v1/** and /metadata/** ; returns false for other paths. */
export class MetadataStub {
  readonly requests: MetadataRequest[] = [];
  private readonly tokens = new Set<string>();
  /**
   * What the clouds report about the VM being booted: set it from the spec with
   * deriveNodeIdentity before each boot ({@link setIdentity}); defaults to defaultNodeIdentity().
   */
  identity: NodeIdentity = defaultNodeIdentity();
  /** GCE instance attributes (instance/attributes/): where a startup-script is delivered. */
  gcpAttributes: Record<string, string> = {};
  /**
   * The clouds' signing key: the IID signature, the GCE identity token and the Azure attested
   * document are signed with it, and the SPIRE server stand-in verifies them with its public half,
   * as the real attestors verify AWS's, Google's and Azure's signatures.
   */
  readonly signingKey: KeyObject;
  readonly verifyKey: KeyObject;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.signingKey = privateKey;
    this.verifyKey = publicKey;
  }

  /** Makes the stubs describe `identity` (and forget the instance attributes of an earlier boot). */
  setIdentity(identity: NodeIdentity, gcpAttributes: Record<string, string> = {}): void {
    this.identity = identity;
    this.gcpAttributes = gcpAttributes;
  }

  private sign(text: string): string {
    return createSign('sha256').update(text).sign(this.signingKey, 'base64');
  }

  /** Handles the request if it is a metadata path. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://stub');
    const p = url.pathname;
    if (p.startsWith('/latest/')) return this.reply('aws', req, res, this.aws(req, p));
    if (p.startsWith('/computeMetadata/v1/')) return this.reply('gcp', req, res, this.gcp(req, p));
    if (p.startsWith('/metadata/')) return this.reply('azure', req, res, this.azure(req, p));
    return false;
  }

  private reply(cloud: MetadataRequest['cloud'], req: IncomingMessage, res: ServerResponse, [status, body, type]: [number, string, string?]): true {
    this.requests.push({ cloud, method: req.method ?? 'GET', path: req.url ?? '', status });
    res.writeHead(status, { 'content-type': type ?? 'text/plain' });
    res.end(body);
    return true;
  }

  private aws(req: IncomingMessage, p: string): [number, string, string?] {
    const i = this.identity.aws;
    if (p === '/latest/api/token') {
      if (req.method !== 'PUT' || !req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return [400, 'token request must be PUT with X-aws-ec2-metadata-token-ttl-seconds'];
      const token = randomBytes(16).toString('hex');
      this.tokens.add(token);
      return [200, token];
    }
    const token = req.headers['x-aws-ec2-metadata-token'];
    if (typeof token !== 'string' || !this.tokens.has(token)) return [401, 'IMDSv2 token required'];
    const doc = {
      accountId: i.accountId, architecture: 'x86_64', availabilityZone: i.zone, imageId: i.imageId, instanceId: i.instanceId,
      instanceType: i.instanceType, pendingTime: '2026-01-01T00:00:00Z', privateIp: i.privateIp, region: i.region, version: '2017-09-30',
    };
    const values: Record<string, string> = {
      '/latest/meta-data/instance-id': i.instanceId,
      '/latest/meta-data/placement/region': i.region,
      '/latest/meta-data/placement/availability-zone': i.zone,
      '/latest/meta-data/local-ipv4': i.privateIp,
      '/latest/meta-data/ami-id': i.imageId,
      '/latest/meta-data/instance-type': i.instanceType,
      '/latest/meta-data/hostname': 'ip-10-0-0-5.ec2.internal',
      '/latest/meta-data/local-hostname': 'ip-10-0-0-5.ec2.internal',
      '/latest/dynamic/instance-identity/document': JSON.stringify(doc, null, 2),
    };
    values['/latest/dynamic/instance-identity/signature'] = this.sign(values['/latest/dynamic/instance-identity/document']!);
    // Instance tags in metadata (when the instance allows it): one key per tag.
    values['/latest/meta-data/tags/instance'] = Object.keys(i.tags).join('\n');
    for (const [k, v] of Object.entries(i.tags)) values[`/latest/meta-data/tags/instance/${k}`] = v;
    const v = values[p];
    return v === undefined ? [404, 'not found'] : [200, v, p.endsWith('/document') ? 'application/json' : 'text/plain'];
  }

  private gcp(req: IncomingMessage, p: string): [number, string, string?] {
    if (req.headers['metadata-flavor'] !== 'Google') return [403, 'Missing Metadata-Flavor:Google header.'];
    const i = this.identity.gcp;
    const recursive = new URL(req.url ?? '/', 'http://stub').searchParams.get('recursive') === 'true';
    if (p === '/computeMetadata/v1/instance/attributes/' && recursive) return [200, JSON.stringify(this.gcpAttributes), 'application/json'];
    if (p === '/computeMetadata/v1/project/attributes/' && recursive) return [200, '{}', 'application/json'];
    if (p.startsWith('/computeMetadata/v1/instance/attributes/')) {
      const a = this.gcpAttributes[p.slice('/computeMetadata/v1/instance/attributes/'.length)];
      return a === undefined ? [404, 'not found'] : [200, a, 'application/text'];
    }
    const identity = /^\/computeMetadata\/v1\/instance\/service-accounts\/([^/]+)\/identity$/.exec(p);
    if (identity) return this.gcpIdentityToken(req, identity[1]!);
    const values: Record<string, string> = {
      '/computeMetadata/v1/instance/id': i.id,
      '/computeMetadata/v1/project/project-id': i.projectId,
      '/computeMetadata/v1/project/numeric-project-id': i.projectNumber,
      '/computeMetadata/v1/instance/zone': `projects/${i.projectNumber}/zones/${i.zone}`,
      '/computeMetadata/v1/instance/hostname': `${i.name}.${i.zone}.c.${i.projectId}.internal`,
      '/computeMetadata/v1/instance/name': i.name,
      '/computeMetadata/v1/instance/service-accounts/default/email': i.serviceAccount,
    };
    const v = values[p];
    return v === undefined ? [404, 'not found'] : [200, v, 'application/text'];
  }

  /**
   * A GCE identity token (format=full): a JWT signed by the stub's key with the claims Google
   * documents (verifying-instance-identity, "payload") and SPIRE's gcp_iit reads: aud, email,
   * google.compute_engine.{project_id, project_number, zone, instance_id, instance_name, ...}.
   */
  private gcpIdentityToken(req: IncomingMessage, account: string): [number, string, string?] {
    const q = new URL(req.url ?? '/', 'http://stub').searchParams;
    const audience = q.get('audience');
    if (!audience) return [400, 'non-empty audience parameter required'];
    const i = this.identity.gcp;
    if (account !== 'default' && account !== i.serviceAccount) return [404, `service account ${account} not attached to this instance`];
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      aud: audience, azp: '1000000000000000000000', email: i.serviceAccount, email_verified: true, exp: now + 3600, iat: now,
      iss: 'https://accounts.google.com', sub: '1000000000000000000000',
    };
    if (q.get('format') === 'full') {
      claims.google = { compute_engine: { instance_creation_timestamp: now - 60, instance_id: i.id, instance_name: i.name, project_id: i.projectId, project_number: Number(i.projectNumber), zone: i.zone } };
    }
    const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const unsigned = `${b64({ alg: 'RS256', kid: 'e2e-stub', typ: 'JWT' })}.${b64(claims)}`;
    return [200, `${unsigned}.${createSign('sha256').update(unsigned).sign(this.signingKey, 'base64url')}`, 'application/text'];
  }

  private azure(req: IncomingMessage, p: string): [number, string, string?] {
    if (req.headers.metadata !== 'true') return [400, '{"error":"Bad request. Required metadata header not specified"}', 'application/json'];
    const i = this.identity.azure;
    if (p === '/metadata/attestation/document') {
      // The attested document: Azure signs {nonce, vmId, subscriptionId, ...} as PKCS7; the stub
      // signs the same JSON with its key (a detached RSA-SHA256 signature beside it).
      const nonce = new URL(req.url ?? '/', 'http://stub').searchParams.get('nonce') ?? '';
      const doc = JSON.stringify({ nonce, vmId: i.vmId, subscriptionId: i.subscriptionId, timeStamp: { createdOn: new Date().toISOString() } });
      return [200, JSON.stringify({ encoding: 'stand-in-rsa-sha256', signature: Buffer.from(JSON.stringify({ document: doc, signature: this.sign(doc) })).toString('base64') }), 'application/json'];
    }
    const compute: Record<string, unknown> = {
      vmId: i.vmId, location: i.location, name: i.name, resourceGroupName: i.resourceGroupName, subscriptionId: i.subscriptionId, osType: 'Linux',
      tags: Object.entries(i.tags).map(([k, v]) => `${k}:${v}`).join(';'), tagsList: Object.entries(i.tags).map(([name, value]) => ({ name, value })),
    };
    if (p === '/metadata/instance' || p === '/metadata/instance/compute') {
      return [200, JSON.stringify(p.endsWith('/compute') ? compute : { compute, network: { interface: [] } }), 'application/json'];
    }
    // One leaf, e.g. compute/vmId?format=text (IMDS answers a leaf as text with format=text, as JSON otherwise).
    const leaf = /^\/metadata\/instance\/compute\/([A-Za-z]+)$/.exec(p);
    if (leaf && typeof compute[leaf[1]!] === 'string') {
      const text = new URL(req.url ?? '/', 'http://stub').searchParams.get('format') === 'text';
      return text ? [200, compute[leaf[1]!] as string, 'text/plain'] : [200, JSON.stringify(compute[leaf[1]!]), 'application/json'];
    }
    return [404, '{"error":"not found"}', 'application/json'];
  }
}
