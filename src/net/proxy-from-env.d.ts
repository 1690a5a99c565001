// proxy-from-env 2 ships no type declarations; this is its one export (README: getProxyForUrl).
declare module 'proxy-from-env' {
  /** The proxy URL the *_PROXY and NO_PROXY variables name for `url`, or '' for a direct connection. */
  export function getProxyForUrl(url: string | URL): string;
}
