import type { EmulatedDevice, EmulatedPersonality } from './vmanage-data-source.ts';

/** Per-personality values of fields whose meaning is not documented, as the 20.12.1 capture shows for vManage. */
const layoutLevels: Readonly<Record<EmulatedPersonality, number>> = { vmanage: 1, vsmart: 2, vbond: 3, vedge: 4 };

/**
 * One `/dataservice/device` row, in the key order and JSON types of the DevNet sandbox capture
 * (`dataservice_device.json`): counts and `site-id` as strings, `lastupdated`/`uptime-date` as epoch-ms
 * numbers. Edges also carry `bfdSessions`/`ompPeers` (strings) and `bfdSessionsUp` (a number).
 */
export function renderDeviceRow(device: EmulatedDevice, connectedVManages: readonly string[]): Record<string, unknown> {
  const edge = device.personality === 'vedge';
  return {
    deviceId: device.systemIp,
    'system-ip': device.systemIp,
    'host-name': device.hostName,
    reachability: device.reachable ? 'reachable' : 'unreachable',
    status: 'normal',
    personality: device.personality,
    'device-type': device.deviceType ?? device.personality,
    timezone: 'UTC',
    'device-groups': ['No groups'],
    lastupdated: device.lastUpdated,
    'domain-id': device.domainId ?? (edge ? '1' : '0'),
    'board-serial': device.boardSerial ?? serialOf(device.uuid),
    'certificate-validity': 'Valid',
    'max-controllers': '0',
    uuid: device.uuid,
    controlConnections: String(device.controlConnections),
    ...(edge
      ? {
          bfdSessions: String(device.bfdSessions ?? 0),
          bfdSessionsUp: device.bfdSessionsUp ?? 0,
          ompPeers: String(device.ompPeers ?? 0),
        }
      : {}),
    'device-model': device.deviceModel,
    version: device.version,
    connectedVManages: [...connectedVManages],
    'site-id': String(device.siteId),
    latitude: String(device.latitude ?? 37.666684),
    longitude: String(device.longitude ?? -122.777023),
    isDeviceGeoData: false,
    platform: 'x86_64',
    'uptime-date': device.uptimeDate,
    statusOrder: device.statusOrder ?? 4,
    'device-os': device.deviceOs ?? (edge ? 'ios-xe' : 'next'),
    validity: 'valid',
    state: device.reachable ? 'green' : 'red',
    state_description: device.reachable ? 'All daemons up' : 'Device unreachable',
    model_sku: 'None',
    'local-system-ip': device.systemIp,
    total_cpu_count: String(device.totalCpuCount ?? 4),
    testbed_mode: false,
    layoutLevel: device.layoutLevel ?? layoutLevels[device.personality],
    'site-name': device.siteName ?? `SITE_${device.siteId}`,
  };
}

/** A stable 40-hex-digit board serial from the chassis id, so rows do not change between calls. */
function serialOf(uuid: string): string {
  const hex = uuid.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.padEnd(40, '0').slice(0, 40);
}
