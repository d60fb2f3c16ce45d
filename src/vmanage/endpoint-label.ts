const ipv4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const numeric = /^\d+$/;
/** Long tokens with a digit: object ids, task ids, scroll ids. Path words never look like this. */
const opaqueId = /^(?=.*\d)[A-Za-z0-9_-]{16,}$/;

/**
 * The `endpoint` label of `isthmus_vmanage_requests_total`: the path without its query and with every
 * id-like segment replaced by `{id}`, so the label's cardinality stays that of the API, not of the data.
 */
export function endpointLabel(pathWithQuery: string): string {
  const path = pathWithQuery.split('?', 1)[0] ?? '';
  return path
    .split('/')
    .map((segment) => (isIdSegment(segment) ? '{id}' : segment))
    .join('/');
}

function isIdSegment(segment: string): boolean {
  if (segment === '') return false;
  const decoded = safeDecode(segment);
  return ipv4.test(decoded) || uuid.test(decoded) || numeric.test(decoded) || opaqueId.test(decoded);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
