/**
 * Per-platform user-data byte budgets, checked before anything is written or sent. The limits
 * themselves are the platform facts in src/platforms/facts.ts (one source with the payload
 * renderer's own check); this adds how each platform counts them and whether gzip can work
 * (../shared/reference/cloud-init.md §1.1–§1.3 and the §1.7 cheat-sheet).
 */
import type { Delivery, PlatformKind } from '../model/model.js';
import { userDataBudget } from '../platforms/facts.js';

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
  /**
   * May the whole payload be gzipped? 'yes' where cloud-init gets the bytes (EC2, Azure);
   * 'with-base64' for GCE user-data, which cloud-init decodes only with `user-data-encoding:
   * base64` (DataSourceGCE); 'no' for a startup-script, which the guest agent runs as is.
   */
  gzip: 'yes' | 'with-base64' | 'no';
}

/** Returns the budget of a platform kind and delivery; undefined where no API carries the payload (on-prem, bare metal). */
export function budgetFor(kind: PlatformKind, delivery: Delivery): UserDataBudget | undefined {
  const b = userDataBudget(kind, delivery);
  if (!b) return undefined;
  const counts = kind === 'gcp' ? 'value' : 'decoded';
  const gzip = b.gzipAllowed ? 'yes' : kind === 'gcp' && delivery === 'cloud-init' ? 'with-base64' : 'no';
  const how = counts === 'decoded' ? ' (counted before base64)' : ' (counted as sent)';
  return { limit: b.bytes, counts, field: `${b.field}${how}`, gzip };
}

/** Formats a byte count with thousands separators ("16,384 bytes"), locale-independent. */
export function formatBytes(n: number): string {
  return `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} bytes`;
}
