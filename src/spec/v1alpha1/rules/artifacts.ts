/** Download sources: HTTPS only, no credentials in URLs, insecure opt-ins warned. */
import type { Rule } from './rule.js';

function credentials(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

/** Every download URL is HTTPS (or the lab opt-in is set, with a warning). */
export const artifactUrls: Rule = {
  name: 'artifact-urls',
  check({ spec, report }) {
    const a = spec.artifacts ?? {};
    if (a.mirror) {
      if (credentials(a.mirror)) {
        report('URL_CREDENTIALS', '/artifacts/mirror', 'the mirror URL carries credentials, which would be copied into user data; authenticate the mirror by network policy or a client certificate instead');
      }
      if (a.mirror.startsWith('http://')) {
        if (!a.allowInsecureHttpMirror) {
          report('URL_NOT_HTTPS', '/artifacts/mirror', 'the mirror must use https://; for a lab, set artifacts.allowInsecureHttpMirror: true');
        }
      } else if (!a.mirror.startsWith('https://')) {
        report('URL_NOT_HTTPS', '/artifacts/mirror', 'the mirror must be an https:// URL');
      }
    }
    for (const [component, o] of Object.entries(a.components ?? {})) {
      for (const [key, url] of Object.entries(o?.urls ?? {})) {
        const pointer = `/artifacts/components/${component}/urls/${key.replace(/\//g, '~1')}`;
        if (credentials(url as string)) report('URL_CREDENTIALS', pointer, 'the URL carries credentials, which would be copied into user data');
        if (!(url as string).startsWith('https://') && !((url as string).startsWith('http://') && a.allowInsecureHttpMirror)) {
          report('URL_NOT_HTTPS', pointer, `the ${component} ${key} URL must use https://`);
        }
      }
    }
    for (const k of ['http', 'https'] as const) {
      const u = a.proxy?.[k];
      if (u && credentials(u)) {
        report('URL_CREDENTIALS', `/artifacts/proxy/${k}`, `the ${k} proxy URL carries credentials, which would be copied into user data; use an unauthenticated or IP-allow-listed proxy`);
      }
    }
    if (a.allowInsecureHttpMirror) {
      report('INSECURE_OPT_IN', '/artifacts/allowInsecureHttpMirror', 'allowInsecureHttpMirror lets packages download over plain HTTP; use it in labs only (sha256 pins still apply)', { atKey: true });
    }
    if (a.allowInsecureSkipChecksums) {
      report('INSECURE_OPT_IN', '/artifacts/allowInsecureSkipChecksums', 'allowInsecureSkipChecksums installs packages without sha256 verification; never use it outside a lab', { atKey: true });
    }
  },
};
