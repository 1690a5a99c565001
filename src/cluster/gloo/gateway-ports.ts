/**
 * The east-west gateway Service of flavor gloo: every port role the VM's Gloo agent and sidecar
 * dial, with Gloo's names and numbers (gloo-vm-facts.md §4, solo-io/gloo-mesh-use-cases
 * gloo-mesh-enterprise/istio-install/vm-agent/aws.yaml). The gateway chart runs with
 * `service.type: None`, as in the 2.9 workshop, and our chart renders this Service instead; the
 * listeners behind the ports are programmed by Gloo Mesh itself (the workshops create no Istio
 * Gateway objects for them), so no routes are rendered here.
 */
import type { Model, PortRole } from '../../model/model.js';
import { GLOO_PORT_NAMES, GLOO_PORT_ORDER, HTTPS_TARGET_PORT } from '../../gloo/facts.js';

/** One port of the Gloo east-west Service. */
export interface GlooGatewayPort {
  role: PortRole;
  name: string;
  port: number;
  targetPort: number;
  /** JSON pointer of the spec value that sets the port (defaults are filled in by the normalize stage). */
  pointer: string;
}

/** Lists the Service ports of flavor gloo in the use-cases order, status-port first. */
export function listGlooGatewayPorts(model: Model): GlooGatewayPort[] {
  return GLOO_PORT_ORDER.map((role) => {
    const port = model.gateway.ports[role];
    if (port === undefined) throw new Error(`flavor gloo model has no ${role} port`);
    return {
      role,
      name: GLOO_PORT_NAMES[role],
      port,
      // 443 → 8443 in the use-cases files; every other role targets its own number there.
      targetPort: role === 'https' ? HTTPS_TARGET_PORT : port,
      pointer: `/eastWestGateway/ports/${role}`,
    };
  });
}
