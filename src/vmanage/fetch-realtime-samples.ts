import type { VmanageDevice } from './parse-devices.ts';
import type { ParseResult } from './parse-result.ts';
import type { TunnelObservation } from './tunnel-observation.ts';
import { isVmanageError, VMANAGE_ERROR_CODES } from './vmanage-error.ts';

export type RealtimeReader = (deviceId: string, nowMs: number) => Promise<ParseResult<TunnelObservation>>;

export interface RealtimeSamples extends ParseResult<TunnelObservation> {
  /** Devices whose query vManage answered with an error (e.g. the device stopped answering). */
  readonly failedDevices: readonly string[];
}

/**
 * Real-time app-route statistics of every given edge, a few devices at a time (each query makes
 * vManage ask the router). A device vManage cannot ask answers with an API error and is left out and
 * named; any other failure (session, transport, rate limit) fails the whole poll, as it would the next
 * device's query too.
 */
export async function fetchRealtimeSamples(
  read: RealtimeReader,
  edges: readonly VmanageDevice[],
  nowMs: number,
  concurrency: number,
): Promise<RealtimeSamples> {
  const items: TunnelObservation[] = [];
  const failedDevices: string[] = [];
  let skipped = 0;
  let duplicates = 0;
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  async function worker(): Promise<void> {
    while (next < edges.length && failure === undefined) {
      const device = edges[next++];
      if (device === undefined) return;
      try {
        const result = await read(device.systemIp, nowMs);
        items.push(...result.items);
        skipped += result.skipped;
        duplicates += result.duplicates;
      } catch (error) {
        if (isVmanageError(error) && error.code === VMANAGE_ERROR_CODES.api) failedDevices.push(device.systemIp);
        else failure ??= { error };
      }
    }
  }
  // Every worker finishes before the poll returns, so no query outlives a failed poll.
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, edges.length)) }, worker));
  if (failure !== undefined) throw failure.error;
  return { items, skipped, duplicates, failedDevices: failedDevices.sort() };
}
