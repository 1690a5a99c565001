/**
 * The explanation as text (a terminal), Markdown (a pull-request comment: a summary table, then
 * one section per identity) and JSON (stable, schemas/explain-v1). Every spec value in Markdown
 * goes through escapeMarkdown or codeSpan, the bundle README's escapers.
 */
import { codeSpan, escapeMarkdown as md } from '../bundle/markdown-template.js';
import type { Explanation, IdentityExplanation } from './explanation.js';
import type { Risk } from './risks.js';

/** Output formats of explain (and diff). */
export type ReviewFormat = 'text' | 'markdown' | 'json';

/** JSON: the object as is, two-space indented, ending with a newline. */
export function formatExplanationJson(e: Explanation): string {
  return `${JSON.stringify(e, null, 2)}\n`;
}

function riskText(r: Risk): string[] {
  return [`    RISK ${r.code}: ${r.reason}`, `      stronger: ${r.alternative}`];
}

function identityText(i: IdentityExplanation): string[] {
  return [
    `${i.namespace}/${i.workload} on ${i.platform} (${i.platformKind}, ${i.attestor})`,
    `  sidecar identity: ${i.sidecarSpiffeId}`,
    `  node alias:       ${i.nodeAliasId}`,
    `  who can claim it: ${i.admission}`,
    ...(i.selectors.length > 0 ? [`  alias selectors:  ${i.selectors.join(', ')}`] : []),
    ...(i.risks.length > 0 ? ['  risks:', ...i.risks.flatMap(riskText)] : ['  risks: none found']),
    '  the VM needs:',
    ...i.needs.firewall.map((f) => `    ${f.direction} ${f.destination}:${f.port}/${f.protocol} (${f.why})`),
    ...i.needs.iam.map((d) => `    IAM ${d.file}: ${d.permissions.join(', ')} (${d.appliesTo})`),
    ...i.needs.downloads.map((d) => `    download ${d.component} ${d.version} ${d.format}/${d.arch}: ${d.url}${d.sha256 ? ` sha256 ${d.sha256}` : ' (checksum skipped)'}`),
    `  payload: ${i.payload}`,
    `  offboard after a VM is gone: ${i.offboard.script} vm-gone <agent-id> <vm-address> (agent ID ${i.offboard.agentIdForm})`,
    '',
  ];
}

/** Plain text for a terminal. */
export function formatExplanationText(e: Explanation): string {
  return [
    `${e.name} (${e.spec}): flavor ${e.flavor}, trust domain ${e.trustDomain}`,
    `east-west gateway ${e.gateway.address}: ${e.gateway.summary}`,
    `telemetry: ${!e.telemetry.enabled ? 'off' : e.telemetry.clientCertificate === 'svid' ? 'OTLP with the VM SVID as client certificate' : 'OTLP with server-only TLS'}`,
    ...(e.risks.length > 0 ? ['risks:', ...e.risks.flatMap(riskText)] : []),
    '',
    ...(e.identities.length === 0 ? ['no workload placement matches the filter', ''] : e.identities.flatMap(identityText)),
  ].join('\n');
}

function riskMarkdown(r: Risk): string {
  return `- :warning: **${r.code}**: ${md(r.reason)}. Stronger: ${md(r.alternative)}.`;
}

function identityMarkdown(i: IdentityExplanation): string[] {
  return [
    `### ${md(`${i.namespace}/${i.workload}`)} on ${md(i.platform)}`,
    '',
    `- Sidecar identity: ${codeSpan(i.sidecarSpiffeId, { inTable: false })}`,
    `- Node alias: ${codeSpan(i.nodeAliasId, { inTable: false })}${i.selectors.length > 0 ? `, selectors ${i.selectors.map((s) => codeSpan(s, { inTable: false })).join(', ')}` : ''}`,
    `- Who can claim it: ${md(i.admission)}`,
    ...i.risks.map(riskMarkdown),
    '',
    '<details><summary>What the VM needs</summary>',
    '',
    '| direction | destination | port | why |',
    '|---|---|---|---|',
    ...i.needs.firewall.map((f) => `| ${md(f.direction)} | ${md(f.destination)} | ${f.port}/${f.protocol} | ${md(f.why)} |`),
    '',
    ...(i.needs.iam.length > 0 ? ['| IAM document | grants | applies to |', '|---|---|---|', ...i.needs.iam.map((d) => `| ${codeSpan(d.file)} | ${d.permissions.map((p) => codeSpan(p)).join(', ')} | ${md(d.appliesTo)} |`), ''] : []),
    '| download | version | format | sha256 |',
    '|---|---|---|---|',
    ...i.needs.downloads.map((d) => `| ${md(d.component)} | ${md(d.version)} | ${md(`${d.format}/${d.arch}`)} | ${d.sha256 ? codeSpan(d.sha256) : 'skipped'} |`),
    '',
    `Payload ${codeSpan(i.payload, { inTable: false })}; after a VM is gone: ${codeSpan(`${i.offboard.script} vm-gone <agent-id> <vm-address>`, { inTable: false })}.`,
    '',
    '</details>',
    '',
  ];
}

/** Markdown for a pull-request comment. */
export function formatExplanationMarkdown(e: Explanation): string {
  const riskCount = e.risks.length + e.identities.reduce((n, i) => n + i.risks.length, 0);
  return [
    `## VM identities of ${md(e.name)}`,
    '',
    `Trust domain ${codeSpan(e.trustDomain, { inTable: false })}, flavor ${md(e.flavor)}; east-west gateway ${codeSpan(e.gateway.address, { inTable: false })}: ${md(e.gateway.summary)}. ${riskCount === 0 ? 'No risk notes.' : `**${riskCount} risk note${riskCount === 1 ? '' : 's'}.**`}`,
    '',
    ...e.risks.map(riskMarkdown),
    ...(e.risks.length > 0 ? [''] : []),
    '| workload | platform | sidecar SPIFFE ID | who can claim it | risks |',
    '|---|---|---|---|---|',
    ...e.identities.map((i) => `| ${md(`${i.namespace}/${i.workload}`)} | ${md(i.platform)} | ${codeSpan(i.sidecarSpiffeId)} | ${md(i.admission)} | ${i.risks.length === 0 ? 'none' : i.risks.map((r) => r.code).join(', ')} |`),
    '',
    ...e.identities.flatMap(identityMarkdown),
  ].join('\n');
}

/** Formats an explanation. */
export function formatExplanation(e: Explanation, format: ReviewFormat): string {
  return format === 'json' ? formatExplanationJson(e) : format === 'markdown' ? formatExplanationMarkdown(e) : formatExplanationText(e);
}
