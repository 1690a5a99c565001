/**
 * A MIME multipart wrapper for user data, built by hand so the output is deterministic:
 * `cloud-init devel make-mime` picks a random boundary on every run (cloud-init.md §1.6).
 * cloud-init treats user data as MIME when `mime-version:` appears in its first 4096 bytes, so
 * MIME-Version sits in the top headers (user_data.py `convert_string`).
 */

/** The fixed boundary; a numbered variant is used in the (checked) case that a part contains it. */
export const MIME_BOUNDARY = '==vmonboard-user-data-boundary==';

/** RFC 5322 §2.1.1: a line must not exceed 998 characters (7bit needs it). */
const MAX_7BIT_LINE = 998;

/** The MIME type cloud-init dispatches a part on, from the payload's first line (cloud-init.md §1.6). */
export function partContentType(payload: Uint8Array): 'text/cloud-config' | 'text/x-shellscript' {
  const head = Buffer.from(payload.subarray(0, 16)).toString('latin1');
  if (head.startsWith('#cloud-config')) return 'text/cloud-config';
  if (head.startsWith('#!')) return 'text/x-shellscript';
  throw new Error('the payload starts with neither #cloud-config nor #! and cannot be typed as a MIME part');
}

/** 7bit when the payload is plain ASCII text with short lines and no CR; base64 otherwise. */
function transferEncoding(payload: Buffer): '7bit' | 'base64' {
  for (const b of payload) if (b === 0 || b === 0x0d || b > 0x7f) return 'base64';
  return payload.toString('latin1').split('\n').every((l) => l.length <= MAX_7BIT_LINE) ? '7bit' : 'base64';
}

/** Base64 in 76-character lines (RFC 2045 §6.8). */
function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\n');
}

/**
 * Wraps one payload as a single-part `multipart/mixed` document that cloud-init parses and
 * other tools can merge with further parts. Non-ASCII payloads (our generated header has an
 * em dash) go base64: Python's email parser would mangle 8bit text in a str message. The body
 * is followed by one extra newline, which belongs to the delimiter (RFC 2046 §5.1.1), so the
 * part decodes to exactly the payload's bytes. Throws if every boundary candidate occurs in the part.
 */
export function wrapMimePart(payload: Uint8Array, fileName: string): Buffer {
  const data = Buffer.from(payload);
  const cte = transferEncoding(data);
  const body = cte === '7bit' ? data.toString('latin1') : base64Lines(data);
  const safeName = fileName.replace(/["\\\r\n]/g, '_');
  const partHeaders = [
    `Content-Type: ${partContentType(data)}; charset="utf-8"`,
    'MIME-Version: 1.0',
    `Content-Transfer-Encoding: ${cte}`,
    `Content-Disposition: attachment; filename="${safeName}"`,
  ].join('\n');
  const boundary = pickBoundary(`${partHeaders}\n${body}`);
  const text = [
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    'MIME-Version: 1.0',
    '',
    `--${boundary}`,
    partHeaders,
    '',
    `${body}`,
    `--${boundary}--`,
    '',
  ].join('\n');
  return Buffer.from(text, 'latin1');
}

/** The first boundary candidate that occurs nowhere in the part (RFC 2046 §5.1.1). */
function pickBoundary(part: string): string {
  for (let i = 0; i < 100; i++) {
    const b = i === 0 ? MIME_BOUNDARY : `${MIME_BOUNDARY}${i}`;
    if (!part.includes(b)) return b;
  }
  throw new Error('every MIME boundary candidate occurs in the payload');
}
