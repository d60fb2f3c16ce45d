import type { Fabric } from '../world/fabric.ts';
import { hashString } from '../world/hash.ts';
import { ipv4ToNumber, numberToIpv4 } from '../world/ipv4.ts';
import type { EmulatedDevice, EmulatedPersonality } from './vmanage-data-source.ts';

export interface ControllerDeviceOptions {
  /** Controller software (`version`); default 20.12.1, the emulator's default platform version. */
  readonly version: string;
  /** Epoch ms the controllers booted. */
  readonly bootMs: number;
  readonly nowMs: number;
}

interface ControllerKind {
  readonly personality: EmulatedPersonality;
  readonly hostName: string;
  readonly deviceModel: string;
  readonly deviceType: string;
}

/** One of each, like a small real overlay (and catalystwan's test device list). */
const KINDS: readonly ControllerKind[] = [
  { personality: 'vmanage', hostName: 'vmanage-1', deviceModel: 'vmanage', deviceType: 'vmanage' },
  { personality: 'vsmart', hostName: 'vsmart-1', deviceModel: 'vsmart', deviceType: 'vsmart' },
  // vBond runs the vEdge Cloud image, hence its model (catalystwan's fixture shows the same).
  { personality: 'vbond', hostName: 'vbond-1', deviceModel: 'vedge-cloud', deviceType: 'vbond' },
];

/** Controllers get addresses from here up, skipping any the fabric's edges use. */
const FIRST_CONTROLLER_IP = ipv4ToNumber('10.255.255.1') ?? 0;

/**
 * The vManage, vSmart and vBond of the simulated overlay, in a site of their own (the smallest site id
 * no edge uses) with system IPs no edge has. Control connections as a real overlay counts them: the
 * vSmart has one per edge TLOC plus the vManage; the vManage one per edge plus the vSmart and the vBond;
 * the vBond keeps its permanent ones to the vManage and the vSmart.
 */
export function controllerDevices(fabric: Fabric, options: ControllerDeviceOptions): EmulatedDevice[] {
  const siteId = freeSiteId(fabric);
  const ips = freeSystemIps(fabric, KINDS.length);
  const edges = fabric.devices.length;
  const connections: Readonly<Record<EmulatedPersonality, number>> = {
    vmanage: edges + 2,
    vsmart: fabric.tlocs.length + 1,
    vbond: 2,
    vedge: 0,
  };
  return KINDS.map((kind, position) => {
    const systemIp = ips[position] ?? '';
    return {
      systemIp,
      hostName: kind.hostName,
      siteId,
      siteName: 'controllers',
      personality: kind.personality,
      deviceType: kind.deviceType,
      deviceModel: kind.deviceModel,
      reachable: true,
      version: options.version,
      uuid: uuidOf(`${systemIp}/${kind.personality}`),
      uptimeDate: options.bootMs,
      lastUpdated: options.nowMs,
      controlConnections: connections[kind.personality],
    };
  });
}

function freeSiteId(fabric: Fabric): number {
  let id = 1;
  while (fabric.site(id) !== undefined) id++;
  return id;
}

function freeSystemIps(fabric: Fabric, count: number): string[] {
  const out: string[] = [];
  for (let n = FIRST_CONTROLLER_IP; out.length < count; n++) {
    const ip = numberToIpv4(n);
    if (fabric.device(ip) === undefined) out.push(ip);
  }
  return out;
}

/** A stable RFC 4122-looking chassis id from a name, as controllers have (the sandbox vManage does). */
function uuidOf(name: string): string {
  const hex = [0, 1, 2, 3].map((salt) => hashString(`${name}#${salt}`).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
