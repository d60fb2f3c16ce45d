import type { ExpositionFormat } from './prometheus-registry.ts';

interface MediaRange {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
  readonly q: number;
}

function parseMediaRange(text: string): MediaRange {
  const [type = '', ...rest] = text.split(';').map((part) => part.trim());
  const params = new Map<string, string>();
  for (const part of rest) {
    const equals = part.indexOf('=');
    if (equals > 0) params.set(part.slice(0, equals).trim().toLowerCase(), part.slice(equals + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  const q = Number(params.get('q') ?? '1');
  return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 };
}

/** The format a media range asks for, when it is one we serve (only these versions of each). */
function formatOf(range: MediaRange): ExpositionFormat | undefined {
  const version = range.params.get('version');
  if (range.type === 'application/openmetrics-text') return version === undefined || version === '1.0.0' ? 'openmetrics' : undefined;
  if (range.type === 'text/plain') return version === undefined || version === '0.0.4' ? 'text' : undefined;
  if (range.type === '*/*' || range.type === 'text/*') return 'text';
  return undefined;
}

/**
 * Picks the exposition format for a scrape from its Accept header: OpenMetrics 1.0.0 when the client
 * prefers it (Prometheus asks for it first), otherwise the classic text format 0.0.4, which is also the
 * answer to no header, to anything we do not serve, and to ties resolved by the header's order.
 */
export function negotiateExposition(accept: string | undefined): ExpositionFormat {
  if (accept === undefined || accept.trim() === '') return 'text';
  let best: { format: ExpositionFormat; q: number } | undefined;
  for (const part of accept.split(',')) {
    const range = parseMediaRange(part);
    const format = formatOf(range);
    if (format === undefined || range.q <= 0) continue;
    if (best === undefined || range.q > best.q) best = { format, q: range.q };
  }
  return best?.format ?? 'text';
}
