/**
 * A loopback HTTP stub of the cloud metadata services and secret stores the bootstrap reads
 * secrets from, on 127.0.0.1 (never a real endpoint). It enforces what the real services
 * require — the IMDSv2 session token, `Metadata-Flavor: Google`, `Metadata: true`, bearer
 * tokens — and re-computes the AWS Signature Version 4 of every AWS request with node:crypto, an
 * implementation independent of the script's, answering 403 on any mismatch.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Credentials and tokens the stub hands out (fake, test-only). */
export const STUB = {
  imdsToken: 'imds-session-token',
  role: 'vm-role',
  accessKeyId: 'ASIATESTACCESSKEY123',
  secretAccessKey: 'test/secret+access/key0123456789abcdefgh',
  sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD',
  region: 'us-east-1',
  gcpToken: 'ya29.test-access-token',
  azureToken: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.test',
} as const;

/** One stub instance. */
export interface SecretStub {
  url: string;
  /** Requests seen: method, path, and whether they were accepted. */
  seen: Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** Verifies a SigV4 Authorization header against the request; returns the reason it fails, if any. */
function sigv4Problem(req: IncomingMessage, body: string): string | undefined {
  const auth = req.headers.authorization ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return `malformed Authorization: ${auth}`;
  const [, akid, day, region, service, signed, signature] = m as unknown as string[];
  if (akid !== STUB.accessKeyId) return 'unknown access key';
  const names = signed!.split(';');
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n] ?? '').trim()}\n`).join('');
  const creq = ['POST', '/', '', canonicalHeaders, signed, createHash('sha256').update(body).digest('hex')].join('\n');
  const date = String(req.headers['x-amz-date']);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const sts = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(creq).digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${STUB.secretAccessKey}`, day!), region!), service!), 'aws4_request');
  const expected = createHmac('sha256', key).update(sts).digest('hex');
  if (expected !== signature) return 'signature mismatch';
  if (!names.includes('x-amz-security-token') || req.headers['x-amz-security-token'] !== STUB.sessionToken) return 'session token not signed';
  if (req.headers.host !== `${service}.${region}.amazonaws.com`) return `host ${String(req.headers.host)} is not the ${service} endpoint of ${region}`;
  return undefined;
}

/**
 * Starts the stub. `secrets` maps what each store returns: AWS by SSM parameter name or Secrets
 * Manager id, GCP by `projects/<p>/secrets/<s>/versions/<v>`, Azure by `<vault>/<name>`.
 */
export async function startSecretStub(secrets: Record<string, string>): Promise<SecretStub> {
  const seen: SecretStub['seen'] = [];
  const handle = (req: IncomingMessage, body: string): [number, string] => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const path = url.pathname;
    const imdsOk = req.headers['x-aws-ec2-metadata-token'] === STUB.imdsToken;
    // AWS IMDSv2.
    if (req.method === 'PUT' && path === '/latest/api/token') {
      return req.headers['x-aws-ec2-metadata-token-ttl-seconds'] ? [200, STUB.imdsToken] : [400, 'ttl header required'];
    }
    if (path.startsWith('/latest/')) {
      if (!imdsOk) return [401, 'IMDSv2 token required'];
      if (path === '/latest/meta-data/iam/security-credentials/') return [200, `${STUB.role}\n`];
      if (path === `/latest/meta-data/iam/security-credentials/${STUB.role}`) {
        return [200, JSON.stringify({ Code: 'Success', Type: 'AWS-HMAC', AccessKeyId: STUB.accessKeyId, SecretAccessKey: STUB.secretAccessKey, Token: STUB.sessionToken, Expiration: '2030-01-01T00:00:00Z' }, null, 2)];
      }
      if (path === '/latest/meta-data/placement/region') return [200, STUB.region];
      if (path === '/latest/dynamic/instance-identity/document') {
        return [200, JSON.stringify({ accountId: '123456789012', architecture: 'x86_64', imageId: 'ami-0abc', instanceId: 'i-0123456789abcdef0', region: STUB.region }, null, 2)];
      }
      return [404, 'not found'];
    }
    // AWS JSON 1.1 (SSM, Secrets Manager).
    if (req.method === 'POST' && path === '/') {
      const problem = sigv4Problem(req, body);
      if (problem) return [403, problem];
      const target = req.headers['x-amz-target'];
      const input = JSON.parse(body) as { Name?: string; SecretId?: string; WithDecryption?: boolean };
      if (target === 'AmazonSSM.GetParameter' && input.WithDecryption && input.Name && input.Name in secrets) {
        return [200, JSON.stringify({ Parameter: { ARN: 'arn:aws:ssm:x', DataType: 'text', Name: input.Name, Type: 'SecureString', Value: secrets[input.Name], Version: 1 } })];
      }
      if (target === 'secretsmanager.GetSecretValue' && input.SecretId && input.SecretId in secrets) {
        return [200, JSON.stringify({ ARN: 'arn:aws:secretsmanager:x', Name: input.SecretId, SecretString: secrets[input.SecretId], VersionId: 'v1' })];
      }
      return [400, `unknown ${String(target)} request`];
    }
    // GCE metadata server.
    if (path.startsWith('/computeMetadata/')) {
      if (req.headers['metadata-flavor'] !== 'Google') return [403, 'Metadata-Flavor: Google required'];
      if (path === '/computeMetadata/v1/instance/service-accounts/default/token') return [200, JSON.stringify({ access_token: STUB.gcpToken, expires_in: 3599, token_type: 'Bearer' })];
      return [404, 'not found'];
    }
    // GCP Secret Manager.
    const gcp = /^\/v1\/(projects\/[^/]+\/secrets\/[^/]+\/versions\/[^/:]+):access$/.exec(path);
    if (gcp) {
      if (req.headers.authorization !== `Bearer ${STUB.gcpToken}`) return [401, 'bearer token required'];
      const value = secrets[gcp[1]!];
      return value === undefined ? [404, 'no such secret'] : [200, JSON.stringify({ name: gcp[1], payload: { data: Buffer.from(value).toString('base64'), dataCrc32c: '1' } })];
    }
    // Azure IMDS and Key Vault (the stub serves every vault; the Host header names it).
    if (path === '/metadata/identity/oauth2/token') {
      if (req.headers.metadata !== 'true') return [400, 'Metadata: true required'];
      if (url.searchParams.get('resource') !== 'https://vault.azure.net') return [400, 'wrong resource'];
      return [200, JSON.stringify({ access_token: STUB.azureToken, expires_in: '3599', resource: 'https://vault.azure.net', token_type: 'Bearer' })];
    }
    const kv = /^\/secrets\/([0-9A-Za-z-]+)$/.exec(path);
    if (kv && url.searchParams.get('api-version') === '7.4') {
      if (req.headers.authorization !== `Bearer ${STUB.azureToken}`) return [401, 'bearer token required'];
      const value = Object.entries(secrets).find(([k]) => k.endsWith(`/${kv[1]}`))?.[1];
      return value === undefined ? [404, 'no such secret'] : [200, JSON.stringify({ value, id: `https://vault/secrets/${kv[1]}/1`, attributes: { enabled: true } })];
    }
    return [404, 'not found'];
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const [status, text] = handle(req, Buffer.concat(chunks).toString('utf8'));
      seen.push({ method: req.method ?? '', path: req.url ?? '', status });
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
