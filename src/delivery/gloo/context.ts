/**
 * The template context of one Gloo VM's scripts (workload × platform): every value
 * templates/bootstrap/gloo/*.sh.hbs and the shared partials they include interpolate, computed
 * here so the templates hold no logic beyond `if`/`each`. Pure: reads the model only.
 */
import type { ArtifactPin, Component, Model, PlatformModel, WorkloadModel } from '../../model/model.js';
import { ALWAYS_NO_PROXY } from '../../platforms/facts.js';
import { CACERT_WAIT_SECONDS, JOIN_TOKEN_PATTERN, ONBOARD } from '../../gloo/facts.js';
import { headerText } from '../context.js';
import { osContext, type OsContext } from '../pins.js';
import { listSecretFetches, secretKinds, SECRET_STORE_CONSTANTS, type SecretFetch } from '../secrets.js';
import { buildOnboardArgs } from './onboard-args.js';

/** Where the staged mirror CA lives under the staged directory (the same place flavor istio's bootstrap uses). */
const MIRROR_CA_REL = 'vmonboard/mirror-ca.pem';

/** One download the bootstrap verifies: URL, sha256 ('' only with allowInsecureSkipChecksums) and the file name it keeps. */
export interface GlooDownload {
  component: Component;
  url: string;
  sha256: string;
  file: string;
}

/** Everything the Gloo shell templates read. */
export interface GlooContext {
  header: string;
  title: string;
  payloadHash: string;
  os: OsContext;
  arches: string[];
  proxy: { http: string; https: string; noProxy: string };
  download: { proto: string; mirror: string; mirrorCA: boolean; mirrorCARel: string; mirrorCAUrl: string };
  embedded: Array<{ rel: string; content: string }>;
  embed: boolean;
  secrets: { list: SecretFetch[]; kinds: ReturnType<typeof secretKinds> };
  store: typeof SECRET_STORE_CONSTANTS;
  /** The two packages meshctl installs (their verified copies are kept for the post-install check) and meshctl itself. */
  packages: GlooDownload[];
  meshctl: GlooDownload & { path: string };
  token: { path: string; pattern: string };
  gateway: { address: string; cacert: number; tls: number };
  cacertWait: number;
  onboard: { args: Array<{ word: string; token: boolean }>; timeout: number; marker: string };
  /** `<namespace>/<name>` of the workload, and each part (the ExternalWorkload's). */
  workload: string;
  namespace: string;
  name: string;
}

/** The pin of one component for the Gloo targets (.deb/amd64, or the amd64 binary); validation guarantees it exists. */
export function glooPin(model: Model, component: Component, format: ArtifactPin['format']): ArtifactPin {
  const pin = model.artifacts.pins.find((p) => p.component === component && p.format === format && p.arch === 'amd64');
  if (!pin) throw new Error(`no pin for ${component} ${format}/amd64 (validation reports LOCK_PIN_MISSING or ARTIFACT_URL_UNKNOWN first)`);
  return pin;
}

function download(pin: ArtifactPin, file: string): GlooDownload {
  return { component: pin.component, url: pin.url, sha256: pin.sha256 ?? '', file };
}

/** The join-token file on the host (the rules allow only file:// references for join tokens). */
export function tokenPathOf(platform: PlatformModel): string {
  const a = platform.attestation;
  if (a.type !== 'join_token' || a.token.scheme !== 'file') throw new Error(`platform ${platform.name} has no file:// join token (the rules reject that under flavor gloo)`);
  return a.token.path;
}

/** Builds the context of one Gloo VM; `payloadHash` is filled in by the caller after a first render. */
export function buildGlooContext(model: Model, workload: WorkloadModel, platform: PlatformModel, kind: 'bootstrap' | 'uninstall' | 'verify'): GlooContext {
  const agent = glooPin(model, 'gloo-workload-agent', 'deb');
  const sidecar = glooPin(model, 'istio-sidecar', 'deb');
  const meshctl = glooPin(model, 'meshctl', 'bin');
  const ca = model.artifacts.mirrorCA;
  const embedded = kind === 'bootstrap' && ca?.kind === 'inline' ? [{ rel: MIRROR_CA_REL, content: ca.content }] : [];
  const secrets = listSecretFetches(platform, []);
  const noProxy = [...new Set([...ALWAYS_NO_PROXY, ...model.artifacts.proxy.noProxy])].join(',');
  const what = { bootstrap: 'bootstrap', uninstall: 'uninstall (run as root on the VM)', verify: 'verify (run as root on the VM)' }[kind];
  return {
    header: headerText(model),
    title: `vmonboard ${what} for workload ${workload.name} (${workload.namespace}) on platform ${platform.name} (${platform.kind}, ${platform.delivery}), flavor gloo: meshctl external-workload onboard.`,
    payloadHash: '',
    os: osContext(platform),
    arches: [...platform.targets.arch],
    proxy: { http: model.artifacts.proxy.http ?? '', https: model.artifacts.proxy.https ?? '', noProxy },
    download: {
      proto: model.artifacts.allowInsecureHttpMirror ? '=http,https' : '=https',
      mirror: model.artifacts.mirror?.replace(/\/+$/, '') ?? '',
      mirrorCA: ca !== undefined,
      mirrorCARel: MIRROR_CA_REL,
      mirrorCAUrl: ca?.kind === 'url' ? ca.url : '',
    },
    embedded,
    embed: embedded.length > 0,
    secrets: { list: secrets, kinds: secretKinds(secrets) },
    store: SECRET_STORE_CONSTANTS,
    packages: [download(agent, 'gloo-workload-agent.deb'), download(sidecar, 'istio-sidecar.deb')],
    meshctl: { ...download(meshctl, 'meshctl'), path: ONBOARD.meshctlPath },
    token: { path: tokenPathOf(platform), pattern: JOIN_TOKEN_PATTERN },
    gateway: { address: model.gateway.address, cacert: model.gateway.ports.cacert!, tls: model.gateway.ports.tls },
    cacertWait: CACERT_WAIT_SECONDS,
    onboard: {
      args: buildOnboardArgs(model, workload, { agent, sidecar }).map((a) => ('token' in a ? { word: '', token: true } : { word: a.word, token: false })),
      timeout: ONBOARD.timeoutSeconds,
      marker: ONBOARD.successMarker,
    },
    workload: `${workload.namespace}/${workload.name}`,
    namespace: workload.namespace,
    name: workload.name,
  };
}
