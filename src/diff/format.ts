/** The diff report as text, Markdown (a pull-request comment) and JSON (schemas/diff-v1). */
import { codeSpan, escapeMarkdown as md } from '../bundle/markdown-template.js';
import type { ReviewFormat } from '../explain/format.js';
import type { Change } from './identity-diff.js';
import type { SpecDiff } from './spec-diff.js';

function values(v: Change['before']): string {
  return v === null ? '—' : Array.isArray(v) ? (v.length === 0 ? '(none)' : v.join(', ')) : v;
}

function payloadLines(d: SpecDiff): string[] {
  const p = d.payloads;
  return [
    ...p.changed.map((k) => `payload changes (VMs re-converge): ${k}`),
    ...p.added.map((k) => `new payload: ${k}`),
    ...p.removed.map((k) => `payload removed: ${k}`),
  ];
}

/** Plain text. */
export function formatDiffText(d: SpecDiff): string {
  const head = d.identityRelevant ? `${d.changes.length} identity-relevant change${d.changes.length === 1 ? '' : 's'} from ${d.old} to ${d.new}:` : `no identity-relevant change from ${d.old} to ${d.new}`;
  return [
    head,
    ...d.changes.flatMap((c) => [`  ${c.kind} ${c.subject}: ${c.summary}`, ...(c.before !== null || c.after !== null ? [`    before: ${values(c.before)}`, `    after:  ${values(c.after)}`] : [])]),
    ...payloadLines(d),
    '',
  ].join('\n');
}

/** Markdown for a pull-request comment. */
export function formatDiffMarkdown(d: SpecDiff): string {
  const p = d.payloads;
  return [
    `## VM identity changes: ${md(d.old)} → ${md(d.new)}`,
    '',
    d.identityRelevant ? `**${d.changes.length} identity-relevant change${d.changes.length === 1 ? '' : 's'}.**` : 'No identity-relevant change.',
    '',
    ...(d.changes.length > 0
      ? ['| change | subject | what it means | before | after |', '|---|---|---|---|---|', ...d.changes.map((c) => `| ${md(c.kind)} | ${codeSpan(c.subject)} | ${md(c.summary)} | ${md(values(c.before))} | ${md(values(c.after))} |`), '']
      : []),
    ...(p.changed.length + p.added.length + p.removed.length > 0
      ? ['VMs whose first-boot payload changes (they re-converge on the next run):', '', ...[...p.changed.map((k) => `- ${md(k)} (changed)`), ...p.added.map((k) => `- ${md(k)} (new)`), ...p.removed.map((k) => `- ${md(k)} (removed)`)], '']
      : ['No VM payload changes.', '']),
  ].join('\n');
}

/** Formats a diff report. */
export function formatDiff(d: SpecDiff, format: ReviewFormat): string {
  return format === 'json' ? `${JSON.stringify(d, null, 2)}\n` : format === 'markdown' ? formatDiffMarkdown(d) : formatDiffText(d);
}
