/** Which grid a response belongs to: it sets `viewKeys` in the header. */
export interface EnvelopeView {
  readonly uniqueKey: readonly string[];
  readonly preferenceKey: string;
}

export const DEVICE_VIEW: EnvelopeView = { uniqueKey: ['system-ip'], preferenceKey: 'grid-Device' };

/**
 * The `{header, data}` envelope. The header's shape (`generatedOn`, `viewKeys`, `columns`, `fields`) is
 * the captured one (`envelope_header.json`); `fields` lists each key of the first row with its type, as
 * vManage describes its columns. Views other than the device grid were not captured and are
 * reconstructed.
 */
export function envelope(
  rows: readonly Record<string, unknown>[],
  view: EnvelopeView,
  generatedOn: number,
  pageInfo?: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const first = rows[0] ?? {};
  return {
    header: {
      generatedOn,
      viewKeys: { uniqueKey: [...view.uniqueKey], preferenceKey: view.preferenceKey },
      columns: [],
      fields: Object.entries(first).map(([property, value]) => ({ property, dataType: dataTypeOf(property, value) })),
    },
    data: rows,
    ...(pageInfo === undefined ? {} : { pageInfo }),
  };
}

function dataTypeOf(property: string, value: unknown): string {
  if (/time|date|lastupdated/i.test(property) && typeof value === 'number') return 'date';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  return 'string';
}

/** vManage's error envelope. */
export function errorEnvelope(message: string, details?: string, code?: string): Record<string, unknown> {
  return {
    error: {
      message,
      ...(details === undefined ? {} : { details }),
      ...(code === undefined ? {} : { code }),
    },
  };
}
