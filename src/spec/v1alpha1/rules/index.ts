/** The v1alpha1 rule set, in the order findings are most useful to read. */
import type { Rule } from './rule.js';
import { uniqueNames, portRanges } from './names.js';
import { trustDomain, gatewayAddress, gatewayPorts, meshCidrs, previousRevisions } from './network.js';
import { platformAttestation, platformSecrets, platformDelivery, platformX509popPaths } from './platforms.js';
import { workloadPlacement, workloadProbe } from './workloads.js';
import { artifactUrls } from './artifacts.js';
import { glooSection, glooSupport } from './gloo.js';
import { awsRegions, platformUnused, probePort, targetOsRepeated } from './review.js';
import { serverCredentials } from './server-credentials.js';
import { gatewayExposure, telemetryClientCertificate } from './exposure.js';

/** Every cross-field rule of spec v1alpha1. */
export const v1alpha1Rules: readonly Rule[] = [
  uniqueNames,
  portRanges,
  trustDomain,
  gatewayAddress,
  gatewayPorts,
  meshCidrs,
  previousRevisions,
  gatewayExposure,
  telemetryClientCertificate,
  platformAttestation,
  platformSecrets,
  platformDelivery,
  platformX509popPaths,
  targetOsRepeated,
  awsRegions,
  platformUnused,
  serverCredentials,
  workloadPlacement,
  workloadProbe,
  probePort,
  artifactUrls,
  glooSection,
  glooSupport,
];
