// The CPU any render must spend that gives today's bytes, measured on a rendered bundle: the
// level-9 gzip of every cloud-config's bootstrap (its `gz+b64` bytes are part of the output),
// the sha256 of every file (MANIFEST.json), the secret scan of every distinct text (a secret
// must never reach a bundle), and parsing and validating the spec. With the bare write of the
// same files, it bounds from below what `render -o` can reach: `(bare + work / cores) / bare`
// when the work spreads perfectly over the cores, which no render does.
import { createHash } from 'node:crypto';

/** CPU milliseconds (user + system) that `fn` takes. */
function cpuMs(fn) {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/**
 * Times each part of the unavoidable work for `files` ([relative path, bytes], as readTree gives
 * them) rendered from `spec`, with this checkout's dist/ (the same code the render ran).
 */
export async function timeUnavoidableWork(files, spec) {
  const dist = new URL('../dist/src/', import.meta.url).href;
  const { encodeGzipBase64 } = await import(`${dist}bundle/gzip-base64.js`);
  const { TextScanner, encodedTexts } = await import(`${dist}security/scan-bundle.js`);
  const { validateSpecFile } = await import(`${dist}api.js`);
  const texts = [...new Set(files.map(([, bytes]) => bytes.toString('utf8')))];
  const cloudConfigs = texts.filter((t) => t.startsWith('#cloud-config\n'));
  const others = texts.filter((t) => !t.startsWith('#cloud-config\n'));
  // The texts cloud-init will write, decoded as the scanner decodes them.
  const bootstraps = cloudConfigs.map((t) => encodedTexts(t).map((e) => e.text));
  // The render scans a cloud-config right after encoding its bootstrap, so the scanner finds the
  // text it decodes among the encoder's remembered ones (gzip-base64.ts, 256 at most): the same
  // here, in batches under that bound, so neither side pays for a gunzip the render skips.
  let gzip = 0;
  let scan = 0;
  const scanner = new TextScanner();
  for (let i = 0; i < cloudConfigs.length; i += 200) {
    gzip += cpuMs(() => {
      for (const list of bootstraps.slice(i, i + 200)) for (const text of list) encodeGzipBase64(text);
    });
    scan += cpuMs(() => {
      for (const text of cloudConfigs.slice(i, i + 200)) scanner.scan(text);
    });
  }
  scan += cpuMs(() => {
    for (const text of others) scanner.scan(text);
  });
  const sha256 = cpuMs(() => {
    for (const [, bytes] of files) createHash('sha256').update(bytes).digest('hex');
  });
  const before = process.cpuUsage();
  const v = await validateSpecFile(spec);
  const used = process.cpuUsage(before);
  if (!v.model) throw new Error(`unavoidable work: ${spec} does not validate`);
  const validate = (used.user + used.system) / 1000;
  return { gzip, sha256, scan, validate, total: gzip + sha256 + scan + validate };
}
