/**
 * Per-platform facts the first-boot payloads need, as data: instance metadata endpoints and
 * headers, user-data byte budgets, and the hosts that must bypass a proxy. Nothing here is
 * computed from the spec; the payload renderers read these constants and the bootstrap carries
 * them as shell constants (architecture guide §5: "metadata endpoints are constants").
 *
 * Sources: ../shared/reference/cloud-init.md §1.1 (EC2 16 KB, IMDSv2 token), §1.2 (GCE 256 KiB,
 * `Metadata-Flavor: Google`, 503 retries), §1.3 (Azure 64 KB, `Metadata: true`, bypass proxies),
 * §1.7 (budget cheat-sheet), §4.2 item 9 (metadata hosts in NO_PROXY).
 */
import type { Delivery, PlatformKind } from '../model/model.js';

/** How a cloud's instance metadata service is reached. */
export interface MetadataService {
  /** Base URL (plain HTTP, link-local or the internal name); the bootstrap's constant. */
  base: string;
  /** Header every request carries (AWS: the IMDSv2 session token header, sent with the token). */
  header: string;
  /** AWS IMDSv2 only: PUT this path with `tokenTtlHeader` to obtain a session token. */
  tokenPath?: string;
  /** AWS IMDSv2 only: the TTL header of the token PUT. */
  tokenTtlHeader?: string;
  /**
   * A small read that proves the instance identity is reachable (what the SPIRE node attestor
   * will read); the bootstrap checks it before starting the agents, so a blocked metadata
   * service fails early with a clear message instead of an opaque attestation error
   * (spire-otel.md §6 #1: IMDSv2 hop limits, "context deadline exceeded").
   */
  identityPath: string;
}

/** Metadata services of the clouds (cloud-init.md §1.1–§1.3). */
export const METADATA: Readonly<Record<'aws' | 'gcp' | 'azure', MetadataService>> = {
  aws: {
    base: 'http://169.254.169.254',
    header: 'X-aws-ec2-metadata-token',
    tokenPath: '/latest/api/token',
    tokenTtlHeader: 'X-aws-ec2-metadata-token-ttl-seconds',
    identityPath: '/latest/dynamic/instance-identity/document',
  },
  gcp: {
    base: 'http://metadata.google.internal',
    header: 'Metadata-Flavor: Google',
    identityPath: '/computeMetadata/v1/instance/id',
  },
  azure: {
    base: 'http://169.254.169.254',
    header: 'Metadata: true',
    identityPath: '/metadata/instance/compute/vmId?api-version=2021-02-01&format=text',
  },
};

/** Returns the metadata service of a platform kind, or undefined on-prem and on bare metal. */
export function metadataFor(kind: PlatformKind): MetadataService | undefined {
  return kind === 'aws' || kind === 'gcp' || kind === 'azure' ? METADATA[kind] : undefined;
}

/**
 * Hosts that must never go through a proxy: the metadata services (Azure: "bypass web proxies
 * within the VM when querying IMDS"; cloud-init.md §1.3, §4.2 item 9) and loopback, where the
 * agents' health endpoints listen.
 */
export const ALWAYS_NO_PROXY: readonly string[] = ['169.254.169.254', 'metadata.google.internal', 'localhost', '127.0.0.1'];

/** A hard size limit on the payload as a platform receives it. */
export interface ByteBudget {
  /** Maximum bytes. */
  bytes: number;
  /** Which API field the limit applies to, for messages. */
  field: string;
  /** True when gzip of the whole user data is accepted by the consumer (cloud-init.md §1.7). */
  gzipAllowed: boolean;
}

/**
 * User-data budgets per platform kind and delivery (cloud-init.md §1.7). On-prem and bare-metal
 * payloads travel out of band (a file, Packer, PXE), so they have none.
 */
const BUDGETS: Partial<Record<PlatformKind, Partial<Record<Delivery, ByteBudget>>>> = {
  // "16 KB in raw form, before base64" (§1.1).
  aws: { 'cloud-init': { bytes: 16384, field: 'EC2 UserData', gzipAllowed: true } },
  // customData: "The size can't exceed 64 KB", 65535 decoded bytes (§1.3).
  azure: { 'cloud-init': { bytes: 65535, field: 'Azure osProfile.customData', gzipAllowed: true } },
  // 262144 bytes per metadata value; gzip needs base64 + user-data-encoding, and a
  // startup-script is a script, never compressed (§1.2, §1.7).
  gcp: {
    'cloud-init': { bytes: 262144, field: 'GCE metadata user-data', gzipAllowed: false },
    'startup-script': { bytes: 262144, field: 'GCE metadata startup-script', gzipAllowed: false },
  },
};

/** Returns the byte budget of a platform's payload, or undefined when none applies. */
export function userDataBudget(kind: PlatformKind, delivery: Delivery): ByteBudget | undefined {
  return BUDGETS[kind]?.[delivery];
}
