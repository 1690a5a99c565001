/**
 * Patterns of secret material that must never be written into a bundle or user data. The list
 * follows the credential formats that leak most often (private keys, JWTs, cloud keys); each
 * entry says what it matches. False positives are acceptable here: a bundle holds certificates,
 * configs and scripts, none of which legitimately contain these.
 */

/** One kind of secret the scanner recognises. */
export interface SecretPattern {
  id: string;
  what: string;
  regex: RegExp;
  /**
   * Every match contains one of these (compared without case when the regex has flag i). A text
   * that holds none of them cannot match, which lets a template's text be judged by what is near
   * its slots (template-scan.ts). test/security/template-scan.test.ts draws matches of each regex
   * and checks it.
   */
  literals: readonly string[];
}

/** The patterns, most specific first. */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { id: 'pem-private-key', what: 'a PEM private key', regex: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/, literals: ['PRIVATE KEY-----'] },
  { id: 'openssh-private-key', what: 'an OpenSSH private key', regex: /-----BEGIN OPENSSH PRIVATE KEY-----/, literals: ['-----BEGIN OPENSSH PRIVATE KEY-----'] },
  { id: 'pgp-private-key', what: 'a PGP private key block', regex: /-----BEGIN PGP PRIVATE KEY BLOCK-----/, literals: ['-----BEGIN PGP PRIVATE KEY BLOCK-----'] },
  // header.payload.signature, both JSON parts base64url of '{"' (eyJ): a signed JWT or SA token.
  { id: 'jwt', what: 'a JSON Web Token', regex: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, literals: ['eyJ'] },
  // AWS access key IDs: AKIA (long-term) and ASIA (temporary), 16 upper-case alphanumerics.
  { id: 'aws-access-key-id', what: 'an AWS access key ID', regex: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, literals: ['AKIA', 'ASIA'] },
  { id: 'aws-secret-access-key', what: 'an AWS secret access key', regex: /aws_secret_access_key\s*[:=]\s*["']?[A-Za-z0-9/+]{40}/i, literals: ['aws_secret_access_key'] },
  { id: 'gcp-service-account-key', what: 'a GCP service account key', regex: /"private_key_id"\s*:\s*"[0-9a-f]{20,}"/, literals: ['"private_key_id"'] },
  { id: 'azure-storage-key', what: 'an Azure storage account key', regex: /AccountKey=[A-Za-z0-9/+]{80,}={0,2}/, literals: ['AccountKey='] },
  { id: 'azure-client-secret', what: 'an Azure AD client secret', regex: /\b[A-Za-z0-9_~.-]{3}8Q~[A-Za-z0-9_~.-]{31,34}\b/, literals: ['8Q~'] },
  { id: 'github-token', what: 'a GitHub token', regex: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/, literals: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'] },
  { id: 'slack-token', what: 'a Slack token', regex: /\bxox[abposr]-[A-Za-z0-9-]{10,}/, literals: ['xox'] },
  // The token formats below follow gitleaks' rule set (github.com/gitleaks/gitleaks,
  // config/gitleaks.toml: vault-service-token, vault-batch-token, gcp-api-key, gitlab-pat,
  // npm-access-token), with lengths loosened to their documented minimums. gitleaks is Go; no
  // maintained npm package ships its rules as data, so the few we need are copied here.
  { id: 'vault-token', what: 'a HashiCorp Vault token', regex: /\bhv[sb]\.[A-Za-z0-9_-]{24,}/, literals: ['hvs.', 'hvb.'] },
  { id: 'gcp-api-key', what: 'a Google API key', regex: /\bAIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/, literals: ['AIza'] },
  { id: 'gitlab-token', what: 'a GitLab personal access token', regex: /\bglpat-[A-Za-z0-9_-]{20,}/, literals: ['glpat-'] },
  { id: 'npm-token', what: 'an npm access token', regex: /\bnpm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/, literals: ['npm_'] },
];
