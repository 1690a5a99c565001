/**
 * The spire-server pod's cloud credentials (spec spire.server) as spire chart 0.30.0 values. The
 * keys are the spire-server subchart's own: `serviceAccount.annotations` (templates/serviceaccount.yaml,
 * rendered when serviceAccount.create is true, the default), `podLabels` (templates/server-resource.yaml,
 * the pod template's labels) and `extraEnv` (the same template, appended to the spire-server
 * container's env), checked against its values.yaml by test/cluster/upstream-values.test.ts.
 *
 * - EKS IRSA: ServiceAccount annotation `eks.amazonaws.com/role-arn` (Amazon EKS user guide,
 *   "Assign IAM roles to Kubernetes service accounts"); the AWS SDK in SPIRE then reads
 *   AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE injected by EKS.
 * - EKS Pod Identity: nothing in the chart; the association is made with the EKS API
 *   (`aws eks create-pod-identity-association`, cluster/iam/README.md).
 * - AKS workload identity: ServiceAccount annotation `azure.workload.identity/client-id` and the
 *   pod label `azure.workload.identity/use: "true"`, which the webhook requires before it injects
 *   AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE (azure-workload-identity docs,
 *   "Service Account Labels and Annotations"); azure_imds's DefaultAzureCredential uses them.
 * - A Secret (clusters outside the cloud): environment variables the SDKs' environment
 *   credentials read (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; azidentity EnvironmentCredential's
 *   AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET), from the named Secret, never inline.
 */
import type { Model } from '../model/model.js';

/** ServiceAccount annotation of EKS IAM roles for service accounts. */
export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';
/** ServiceAccount annotation of AKS workload identity. */
export const AZURE_WI_ANNOTATION = 'azure.workload.identity/client-id';
/** Pod label the AKS workload identity webhook requires. */
export const AZURE_WI_LABEL = 'azure.workload.identity/use';

function secretEnv(secretName: string, keys: string[]): Array<Record<string, unknown>> {
  return keys.map((k) => ({ name: k, valueFrom: { secretKeyRef: { name: secretName, key: k } } }));
}

/** The spire-server subchart values for the spec's server credentials (empty when it has none). */
export function buildServerCredentialValues(model: Model): Record<string, unknown> {
  const { aws, azure } = model.spire.server;
  const annotations: Record<string, string> = {};
  const podLabels: Record<string, string> = {};
  const env: Array<Record<string, unknown>> = [];
  if (aws?.kind === 'irsa') annotations[IRSA_ANNOTATION] = aws.roleArn;
  if (aws?.kind === 'secret') env.push(...secretEnv(aws.secretName, ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']));
  if (azure?.kind === 'workload-identity') {
    annotations[AZURE_WI_ANNOTATION] = azure.clientId;
    podLabels[AZURE_WI_LABEL] = 'true';
  }
  if (azure?.kind === 'secret') env.push(...secretEnv(azure.secretName, ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET']));
  return {
    ...(Object.keys(annotations).length > 0 ? { serviceAccount: { annotations } } : {}),
    ...(Object.keys(podLabels).length > 0 ? { podLabels } : {}),
    ...(env.length > 0 ? { extraEnv: env } : {}),
  };
}
