import type { EmulatedBfdSession } from './vmanage-data-source.ts';

/**
 * One bulk-state BFD row, in the key order and types of the DevNet sandbox capture
 * (`data_device_state_BFDSessions.json`): hyphenated keys; `system-ip`, `color` and `site-id` (an
 * integer) are the REMOTE end; `detect-multiplier` a string, `tx-interval` a number; `vdevice-dataKey`
 * `<local ip>-<local color>-<remote ip>-<remote color>-<proto>`.
 */
export function renderBfdRow(session: EmulatedBfdSession, rid: number): Record<string, unknown> {
  const proto = session.proto ?? 'ipsec';
  const created = session.createTimeStamp ?? session.uptimeDate;
  return {
    recordId: session.recordId ?? `0:BFDSessionsNode:${created}:${rid}`,
    'src-ip': session.srcIp,
    'dst-ip': session.dstIp,
    'vdevice-name': session.localSystemIp,
    color: session.remoteColor,
    'src-port': session.srcPort,
    createTimeStamp: created,
    'system-ip': session.remoteSystemIp,
    'dst-port': session.dstPort,
    'site-id': session.remoteSiteId,
    transitions: session.transitions,
    'vdevice-host-name': session.localHostName,
    'local-color': session.localColor,
    'detect-multiplier': String(session.detectMultiplier ?? 7),
    'vdevice-dataKey': `${session.localSystemIp}-${session.localColor}-${session.remoteSystemIp}-${session.remoteColor}-${proto}`,
    '@rid': rid,
    'vmanage-system-ip': session.localSystemIp,
    proto,
    lastupdated: session.lastUpdated,
    state: session.state,
    'tx-interval': session.txIntervalMs ?? 1000,
    'uptime-date': session.uptimeDate,
  };
}

/** The key BFD rows are identified by, for stable `@rid` assignment. */
export function bfdDataKey(session: EmulatedBfdSession): string {
  return `${session.localSystemIp}-${session.localColor}-${session.remoteSystemIp}-${session.remoteColor}-${session.proto ?? 'ipsec'}`;
}
