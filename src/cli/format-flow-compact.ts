import type { FlowDescription } from './describe-flow.ts';

/**
 * One line as Hubble's compact printer writes it:
 * `Jan  1 00:00:00.000: shop/frontend-7d9f:43210 (ID:12345) -> shop/payments-5c4b:8443 (ID:23456) to-endpoint FORWARDED (TCP Flags: SYN)`,
 * with ` [node]` after the time when asked.
 */
export function formatFlowCompact(flow: FlowDescription, printNodeName: boolean): string {
  const node = printNodeName ? ` [${flow.node || '-'}]` : '';
  const summary = flow.summary === '' ? '' : ` (${flow.summary})`;
  return `${flow.timestamp}${node}: ${flow.sourceHost} ${flow.sourceIdentity} ${flow.arrow} ${flow.destinationHost} ${flow.destinationIdentity} ${flow.type} ${flow.verdict}${summary}`;
}
