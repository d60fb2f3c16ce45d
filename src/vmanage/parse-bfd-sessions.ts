import { tunnelName } from '../domain/tunnel.ts';
import type { SystemIp } from '../domain/system-ip.ts';
import type { TunnelState } from '../domain/tunnel-sample.ts';
import type { ParseResult } from './parse-result.ts';
import { colorField, isRow, numberField, siteIdField, stringField, systemIpField } from './row-fields.ts';
import type { Row } from './row-fields.ts';
import { rowsOf } from './rows-of.ts';
import type { TunnelStateObservation } from './tunnel-observation.ts';

export interface BfdParseContext {
  /**
   * The device the rows belong to, for the real-time form (`/device/bfd/sessions?deviceId=`) whose rows
   * may lack `vdevice-name`. Bulk state rows always carry it.
   */
  readonly localSystemIp?: SystemIp;
}

/**
 * Parses BFD session rows (`/dataservice/data/device/state/BFDSessions` and `/device/bfd/sessions`):
 * hyphenated keys; `system-ip`, `color` and `site-id` (an integer here) describe the REMOTE end,
 * `vdevice-name` and `local-color` the local one. BFD states other than `up` (`down`, `init`,
 * `admin-down`) mean the tunnel carries no traffic, so they read as down. A tunnel seen twice keeps the
 * most recently updated row.
 */
export function parseBfdSessions(body: unknown, context: BfdParseContext = {}): ParseResult<TunnelStateObservation> {
  const byName = new Map<string, TunnelStateObservation>();
  let skipped = 0;
  let duplicates = 0;
  for (const row of rowsOf(body)) {
    const observation = isRow(row) ? observationOf(row, context) : undefined;
    if (observation === undefined) {
      skipped++;
      continue;
    }
    const seen = byName.get(observation.name);
    if (seen !== undefined) {
      duplicates++;
      if ((seen.time ?? -Infinity) > (observation.time ?? -Infinity)) continue;
    }
    byName.set(observation.name, observation);
  }
  return { items: [...byName.values()], skipped, duplicates };
}

const bfdStates: ReadonlyMap<string, TunnelState> = new Map([
  ['up', 'up'],
  ['down', 'down'],
  ['init', 'down'],
  ['admin-down', 'down'],
]);

function observationOf(row: Row, context: BfdParseContext): TunnelStateObservation | undefined {
  const localIp = systemIpField(row, 'vdevice-name') ?? context.localSystemIp;
  const localColor = colorField(row, 'local-color');
  const remoteIp = systemIpField(row, 'system-ip');
  const remoteColor = colorField(row, 'color');
  const stateText = stringField(row, 'state');
  const state = stateText === undefined ? undefined : bfdStates.get(stateText.toLowerCase());
  if (localIp === undefined || localColor === undefined || remoteIp === undefined || remoteColor === undefined) return undefined;
  if (state === undefined) return undefined;
  const tunnel = { local: { systemIp: localIp, color: localColor }, remote: { systemIp: remoteIp, color: remoteColor } };
  return {
    tunnel,
    name: tunnelName(tunnel),
    state,
    remoteSiteId: siteIdField(row, 'site-id'),
    localHostName: stringField(row, 'vdevice-host-name'),
    time: numberField(row, 'lastupdated'),
    transitions: numberField(row, 'transitions'),
  };
}
