/**
 * REST endpoints of the cloud secret stores a bootstrap reads secret references from, as data.
 * The bootstrap calls them with curl and the instance's own identity (no SDK, no CLI), so the
 * same script works on every image:
 * - AWS SSM Parameter Store and Secrets Manager speak the AWS JSON 1.1 protocol: a signed POST
 *   with an `X-Amz-Target` header. The signature is AWS Signature Version 4, computed with
 *   openssl from the instance-profile credentials served by IMDSv2. We do not use the aws CLI:
 *   only Amazon Linux ships it, and one code path is easier to test.
 *   (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html,
 *   https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html)
 * - GCP Secret Manager `projects.secrets.versions.access` with the metadata server's OAuth token
 *   (https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets.versions/access).
 * - Azure Key Vault "Get Secret" with a managed-identity token from IMDS
 *   (https://learn.microsoft.com/en-us/rest/api/keyvault/secrets/get-secret/get-secret,
 *   https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/how-to-use-vm-token).
 */

/** AWS JSON-protocol operations: service (SigV4 signing name), host pattern, target header, body key, response key. */
export const AWS_SECRET_OPS = {
  'aws-ssm': {
    service: 'ssm',
    target: 'AmazonSSM.GetParameter',
    /** Request body: {"Name": <name>, "WithDecryption": true}. */
    requestKey: 'Name',
    /** The secret is the JSON string "Value" (inside "Parameter"). */
    responseKey: 'Value',
  },
  'aws-secretsmanager': {
    service: 'secretsmanager',
    target: 'secretsmanager.GetSecretValue',
    /** Request body: {"SecretId": <id>}. */
    requestKey: 'SecretId',
    /** The secret is the JSON string "SecretString". */
    responseKey: 'SecretString',
  },
} as const;

/** Content type of the AWS JSON 1.1 protocol. */
export const AWS_JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** IMDS path listing the instance profile's role (its credentials are at <path><role>). */
export const AWS_ROLE_CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/';

/** IMDS path of the instance's region (used when a reference names none). */
export const AWS_REGION_PATH = '/latest/meta-data/placement/region';

/** GCP: metadata path of the default service account's OAuth access token. */
export const GCP_TOKEN_PATH = '/computeMetadata/v1/instance/service-accounts/default/token';

/** GCP: Secret Manager API base; the secret is base64 in payload.data. */
export const GCP_SECRET_MANAGER_BASE = 'https://secretmanager.googleapis.com/v1';

/** Azure: IMDS managed-identity token path for the Key Vault resource. */
export const AZURE_KEYVAULT_TOKEN_PATH = '/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net';

/** Azure: Key Vault data-plane API version; the secret is the JSON string "value". */
export const AZURE_KEYVAULT_API_VERSION = '7.4';
