/**
 * Per-platform user-data byte budgets, checked before anything is written or sent
 * (../shared/reference/cloud-init.md §1.1–§1.3 and the §1.7 cheat-sheet).
 */
import type { Delivery, PlatformKind } from '../model/model.js';

/** A size limit and how the platform counts against it. */
export interface UserDataBudget {
  /** Largest allowed size in bytes. */
  limit: number;
  /**
   * 'decoded': the bytes after the API's own base64 is removed (EC2 counts "raw form, before
   * base64"; Azure customData's decoded "binary array" max is 65535). 'value': the string as
   * sent (a GCE metadata value, where base64 is ours and counts).
   */
  counts: 'decoded' | 'value';
  /** What the limit applies to, for messages. */
  field: string;
  /** May the whole payload be gzipped? Only where the consumer decompresses it. */
  gzip: 'yes' | 'with-base64' | 'no';
}

/**
 * The budget of a platform kind and delivery; undefined where no API carries the payload
 * (on-prem and bare metal run install.sh directly).
 * - EC2: 16,384 bytes raw; cloud-init decompresses gzip by magic bytes (cloud-init.md §1.6).
 * - Azure customData: 65,535 decoded bytes; gzip is fine (binary after base64 decode).
 * - GCE: 262,144 bytes per metadata value. cloud-init's `user-data` may be gzip only as base64
 *   with `user-data-encoding: base64`; `startup-script` is run as is by the guest agent.
 */
export function budgetFor(kind: PlatformKind, delivery: Delivery): UserDataBudget | undefined {
  switch (kind) {
    case 'aws':
      return { limit: 16_384, counts: 'decoded', field: 'EC2 user data (counted before base64)', gzip: 'yes' };
    case 'azure':
      return { limit: 65_535, counts: 'decoded', field: 'Azure custom data (counted after base64 decoding)', gzip: 'yes' };
    case 'gcp':
      return delivery === 'startup-script'
        ? { limit: 262_144, counts: 'value', field: 'the GCE metadata value startup-script', gzip: 'no' }
        : { limit: 262_144, counts: 'value', field: 'the GCE metadata value user-data', gzip: 'with-base64' };
    default:
      return undefined;
  }
}

/** Formats a byte count with thousands separators ("16,384"), locale-independent. */
export function formatBytes(n: number): string {
  return `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} bytes`;
}
