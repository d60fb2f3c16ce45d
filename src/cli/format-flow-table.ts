import type { FlowDescription } from './describe-flow.ts';

/**
 * Hubble's table columns. Rows are printed as flows arrive (a followed stream has no end to align to), so
 * columns have fixed widths that fit typical values; a longer value pushes the rest of its row right.
 */
const COLUMNS = [
  { title: 'TIMESTAMP', width: 19, cell: (flow: FlowDescription) => flow.timestamp },
  { title: 'NODE', width: 20, cell: (flow: FlowDescription) => flow.node || '-', node: true },
  { title: 'SOURCE', width: 42, cell: (flow: FlowDescription) => flow.sourceHost },
  { title: 'DESTINATION', width: 42, cell: (flow: FlowDescription) => flow.destinationHost },
  { title: 'TYPE', width: 14, cell: (flow: FlowDescription) => flow.type },
  { title: 'VERDICT', width: 10, cell: (flow: FlowDescription) => flow.verdict },
  { title: 'SUMMARY', width: 0, cell: (flow: FlowDescription) => flow.summary },
] as const;

/** The table's header line; NODE only when node names are printed. */
export function formatFlowTableHeader(printNodeName: boolean): string {
  return join(columns(printNodeName).map((column) => column.title), printNodeName);
}

/** One flow as a table row under formatFlowTableHeader. */
export function formatFlowTableRow(flow: FlowDescription, printNodeName: boolean): string {
  return join(columns(printNodeName).map((column) => column.cell(flow)), printNodeName);
}

function columns(printNodeName: boolean): readonly (typeof COLUMNS)[number][] {
  return COLUMNS.filter((column) => printNodeName || !('node' in column));
}

function join(cells: readonly string[], printNodeName: boolean): string {
  const widths = columns(printNodeName).map((column) => column.width);
  return cells
    .map((cell, index) => (index === cells.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
    .join('   ')
    .trimEnd();
}
