/**
 * The standard proxy variables (HTTPS_PROXY / https_proxy, HTTP_PROXY / http_proxy, NO_PROXY /
 * no_proxy) for everything vmonboard downloads or calls. Downloads go through undici's
 * EnvHttpProxyAgent, which reads those variables itself; the AWS SDK's Node HTTP handler takes a
 * node:http Agent, so it gets an agent-base Agent that picks, per request, the proxy that
 * proxy-from-env names for the endpoint (NO_PROXY included) and tunnels with https-proxy-agent.
 * (The `proxy-agent` package does the same per-request choice but also brings PAC, SOCKS and a
 * JavaScript engine for PAC files; these few lines keep only what the variables can say.)
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { EnvHttpProxyAgent } from 'undici';

/** True when any proxy variable is set (empty values count as unset, as curl does). */
export function proxyConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((k) => Boolean(env[k]));
}

/**
 * The proxy the environment names for `url` (NO_PROXY applied), without any user:password in it,
 * for messages; undefined for a direct connection.
 */
export function proxyForDisplay(url: string): string | undefined {
  const p = getProxyForUrl(url);
  if (!p) return undefined;
  try {
    const u = new URL(p);
    u.username = '';
    u.password = '';
    return u.href.replace(/\/$/, '');
  } catch {
    return '(unparsable proxy URL)';
  }
}

/**
 * An undici dispatcher for downloads: proxied per the environment, trusting the system roots
 * plus `ca` (the spec's mirror CA) both directly and through a proxy tunnel.
 */
export function createDownloadDispatcher(ca?: string[]): EnvHttpProxyAgent {
  const tls = ca ? { ca } : {};
  return new EnvHttpProxyAgent({ connect: tls, requestTls: tls });
}

/** A node:http Agent that tunnels each request through the proxy the environment names for it. */
class EnvProxyAgent extends Agent {
  readonly #tunnels = new Map<string, HttpsProxyAgent<string>>();

  override connect(_req: http.ClientRequest, opts: AgentConnectOpts): http.Agent | Duplex {
    const scheme = opts.secureEndpoint ? 'https' : 'http';
    const proxy = getProxyForUrl(`${scheme}://${opts.host}:${opts.port}`);
    if (!proxy) return opts.secureEndpoint ? https.globalAgent : http.globalAgent;
    let tunnel = this.#tunnels.get(proxy);
    if (!tunnel) {
      tunnel = new HttpsProxyAgent(proxy, { keepAlive: true });
      this.#tunnels.set(proxy, tunnel);
    }
    return tunnel;
  }
}

/**
 * The agent for the AWS SDK's Node HTTP handler when a proxy variable is set; undefined
 * otherwise, so the SDK keeps its own default agents.
 */
export function createAwsProxyAgent(env: NodeJS.ProcessEnv = process.env): http.Agent | undefined {
  return proxyConfigured(env) ? new EnvProxyAgent({ keepAlive: true }) : undefined;
}
