import type { DevicePersonality, EdgeDevice } from '../domain/edge-device.ts';
import type { Color } from '../domain/color.ts';
import type { SiteId } from '../domain/site.ts';
import type { SystemIp } from '../domain/system-ip.ts';
import type { ParseResult } from './parse-result.ts';
import { isRow, siteIdField, stringField, systemIpField } from './row-fields.ts';
import { rowsOf } from './rows-of.ts';

/** A device of `/dataservice/device`. Controllers often have no site, hence the optional site id. */
export interface VmanageDevice {
  readonly systemIp: SystemIp;
  readonly hostName: string;
  readonly siteId: SiteId | undefined;
  readonly personality: DevicePersonality;
  readonly reachable: boolean;
  /** `device-type`, e.g. `vedge`, `vmanage` (absent from older releases). */
  readonly deviceType: string | undefined;
  /** `device-model`, e.g. `vedge-C8000V`. */
  readonly deviceModel: string | undefined;
  readonly uuid: string | undefined;
  readonly version: string | undefined;
}

const personalities: ReadonlySet<string> = new Set<DevicePersonality>(['vedge', 'vsmart', 'vbond', 'vmanage']);

/**
 * Parses `GET /dataservice/device` (envelope or bare `data` array). `site-id` is a string there; a row
 * without a system IP, host name, known personality or reachability is skipped; a system IP seen twice
 * is a duplicate.
 */
export function parseDevices(body: unknown): ParseResult<VmanageDevice> {
  const items: VmanageDevice[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  let duplicates = 0;
  for (const row of rowsOf(body)) {
    const device = isRow(row) ? deviceOf(row) : undefined;
    if (device === undefined) skipped++;
    else if (seen.has(device.systemIp)) duplicates++;
    else {
      seen.add(device.systemIp);
      items.push(device);
    }
  }
  return { items, skipped, duplicates };
}

function deviceOf(row: Readonly<Record<string, unknown>>): VmanageDevice | undefined {
  // `system-ip` is the device's identity; `local-system-ip` carries the same value where the former is
  // missing (catalystwan's fixtures). `deviceId` is not used: it is a UUID for some device kinds.
  const systemIp = systemIpField(row, 'system-ip') ?? systemIpField(row, 'local-system-ip');
  const hostName = stringField(row, 'host-name');
  const personality = stringField(row, 'personality');
  const reachability = stringField(row, 'reachability');
  if (systemIp === undefined || hostName === undefined) return undefined;
  if (personality === undefined || !isPersonality(personality)) return undefined;
  if (reachability !== 'reachable' && reachability !== 'unreachable') return undefined;
  return {
    systemIp,
    hostName,
    siteId: siteIdField(row, 'site-id'),
    personality,
    reachable: reachability === 'reachable',
    deviceType: stringField(row, 'device-type'),
    deviceModel: stringField(row, 'device-model'),
    uuid: stringField(row, 'uuid'),
    version: stringField(row, 'version'),
  };
}

function isPersonality(value: string): value is DevicePersonality {
  return personalities.has(value);
}

/** The domain EdgeDevice of a device with a site, given the colors its TLOCs use (from tunnel data). */
export function edgeDeviceOf(device: VmanageDevice, colors: readonly Color[]): EdgeDevice | undefined {
  if (device.siteId === undefined) return undefined;
  return {
    systemIp: device.systemIp,
    siteId: device.siteId,
    hostName: device.hostName,
    personality: device.personality,
    reachable: device.reachable,
    colors,
  };
}
