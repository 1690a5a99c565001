/**
 * Loopback stand-ins for the cloud metadata services, reached through the bootstrap's test-only
 * base-URL override (no test ever contacts 169.254.169.254 or metadata.google.internal). Each
 * enforces the header its cloud requires, so a payload that forgets it fails here as it would
 * in the cloud: AWS is IMDSv2-only (as on Amazon Linux 2023), GCE needs Metadata-Flavor: Google,
 * Azure needs Metadata: true.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The identity the stubs report. */
export const STUB_INSTANCE = {
  aws: { instanceId: 'i-0e2e0000000000001', region: 'us-east-1', zone: 'us-east-1a', accountId: '123456789012', privateIp: '10.0.0.5', imageId: 'ami-0e2e0000000000001', instanceType: 't3.small' },
  gcp: { id: '4242424242424242', projectId: 'e2e-project', zone: 'projects/1234567890/zones/us-central1-a', hostname: 'e2e-vm.us-central1-a.c.e2e-project.internal' },
  azure: { vmId: 'e2e00000-0000-4000-8000-000000000001', location: 'eastus', name: 'e2e-vm', resourceGroupName: 'e2e-rg', subscriptionId: '5f3b1d2c-2222-4a4b-8c8d-9e0f1a2b3c4d' },
} as const;

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
    const i = STUB_INSTANCE.aws;
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
    const v = values[p];
    return v === undefined ? [404, 'not found'] : [200, v, p.endsWith('/document') ? 'application/json' : 'text/plain'];
  }

  private gcp(req: IncomingMessage, p: string): [number, string, string?] {
    if (req.headers['metadata-flavor'] !== 'Google') return [403, 'Missing Metadata-Flavor:Google header.'];
    const i = STUB_INSTANCE.gcp;
    const values: Record<string, string> = {
      '/computeMetadata/v1/instance/id': i.id,
      '/computeMetadata/v1/project/project-id': i.projectId,
      '/computeMetadata/v1/instance/zone': i.zone,
      '/computeMetadata/v1/instance/hostname': i.hostname,
      '/computeMetadata/v1/instance/name': 'e2e-vm',
    };
    const v = values[p];
    return v === undefined ? [404, 'not found'] : [200, v, 'application/text'];
  }

  private azure(req: IncomingMessage, p: string): [number, string, string?] {
    if (req.headers.metadata !== 'true') return [400, '{"error":"Bad request. Required metadata header not specified"}', 'application/json'];
    const i = STUB_INSTANCE.azure;
    if (p === '/metadata/instance' || p === '/metadata/instance/compute') {
      const compute = { vmId: i.vmId, location: i.location, name: i.name, resourceGroupName: i.resourceGroupName, subscriptionId: i.subscriptionId, osType: 'Linux' };
      return [200, JSON.stringify(p.endsWith('/compute') ? compute : { compute, network: { interface: [] } }), 'application/json'];
    }
    return [404, '{"error":"not found"}', 'application/json'];
  }
}
