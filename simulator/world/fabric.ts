import { COLORS, isPublicColor } from '../../src/domain/color.ts';
import type { Color } from '../../src/domain/color.ts';
import type { EdgeDevice } from '../../src/domain/edge-device.ts';
import type { Site, SiteId } from '../../src/domain/site.ts';
import type { SystemIp } from '../../src/domain/system-ip.ts';
import type { Tloc } from '../../src/domain/tloc.ts';
import { tlocName } from '../../src/domain/tloc.ts';
import type { Tunnel, TunnelKey } from '../../src/domain/tunnel.ts';
import { parseTunnelName } from '../../src/domain/tunnel.ts';
import { colorProfile, mergeProfile } from './color-profile.ts';
import type { ColorProfile } from './color-profile.ts';
import { hashString } from './hash.ts';
import { ipv4ToNumber, numberToIpv4 } from './ipv4.ts';
import type { GeoLocation, Scenario } from './scenario.ts';
import { formsTunnel } from './tunnel-formation.ts';

export interface SimSite extends Site {
  readonly index: number;
  readonly hub: boolean;
  readonly location: GeoLocation | undefined;
  readonly devices: readonly SimDevice[];
}

/** An edge router as vManage's device inventory lists it. */
export interface SimDevice extends EdgeDevice {
  readonly index: number;
  readonly site: SimSite;
  readonly siteName: string;
  readonly deviceModel: string;
  readonly uuid: string;
  readonly tlocs: readonly SimTloc[];
}

export interface SimTloc extends Tloc {
  readonly index: number;
  readonly device: SimDevice;
  readonly siteId: SiteId;
  readonly restrict: boolean;
  /** Baseline of this circuit (color profile plus per-circuit and per-scenario overrides). */
  readonly profile: ColorProfile;
  /** Underlay address and port (`src-ip`/`src-port` in vManage's tunnel rows). */
  readonly underlayIp: string;
  readonly port: number;
}

/** A directional tunnel (local → remote); its ends are the TLOC objects themselves. */
export interface SimTunnel extends Tunnel {
  readonly index: number;
  /** vManage's name, `10.0.0.1:mpls-10.0.0.2:mpls`. */
  readonly name: string;
  readonly local: SimTloc;
  readonly remote: SimTloc;
}

const COLOR_INDEX: ReadonlyMap<Color, number> = new Map(COLORS.map((color, i) => [color, i]));
const PUBLIC_UNDERLAY = ipv4ToNumber('100.64.0.1') ?? 0;
const PRIVATE_UNDERLAY = ipv4ToNumber('172.16.0.1') ?? 0;

/**
 * The SD-WAN overlay of a scenario: sites, edge devices, TLOCs and every tunnel between them. Tunnels are
 * numbered so that one device's tunnels, and one device pair's tunnels, are contiguous: per-device and
 * per-pair lookups are slices, and the numeric arrays (`tunnelLocalTloc`, `tunnelReverse`, …) let the hot
 * paths work on integers instead of objects.
 *
 * Tunnel counts, for S sites with one edge each and C colors per site: a full mesh has S·(S−1)·C
 * same-color tunnels, plus S·(S−1)·C·(C−1) cross-color ones when crossColor is on and nothing is
 * restricted; hub-and-spoke with H hubs has about 2·H·(S−H)·C (+ hub mesh) same-color tunnels.
 */
export class Fabric {
  readonly sites: readonly SimSite[];
  readonly devices: readonly SimDevice[];
  readonly tlocs: readonly SimTloc[];
  readonly tunnels: readonly SimTunnel[];
  /** Per tunnel: index of its local and remote TLOC, and of the tunnel in the other direction. */
  readonly tunnelLocalTloc: Int32Array;
  readonly tunnelRemoteTloc: Int32Array;
  readonly tunnelReverse: Int32Array;
  /** Per TLOC: its site index, device index and color index (in COLORS). */
  readonly tlocSite: Int32Array;
  readonly tlocDevice: Int32Array;
  readonly tlocColor: Int32Array;
  /** Per device: first tunnel index, and one past its last (`deviceTunnelStart[d + 1]`). */
  readonly deviceTunnelStart: Int32Array;

  readonly #siteById: ReadonlyMap<SiteId, SimSite>;
  readonly #deviceByIp: ReadonlyMap<SystemIp, SimDevice>;
  /** device pair (local · deviceCount + remote) → first tunnel index · 128 + tunnel count. */
  readonly #pairs: ReadonlyMap<number, number>;

  constructor(scenario: Scenario) {
    const sites: SimSite[] = [];
    const devices: SimDevice[] = [];
    const tlocs: SimTloc[] = [];
    for (const [siteIndex, written] of scenario.sites.entries()) {
      const siteDevices: SimDevice[] = [];
      const site: SimSite = { id: written.id, name: written.name, index: siteIndex, hub: written.hub, location: written.location, devices: siteDevices };
      for (const edge of written.edges) {
        const deviceTlocs: SimTloc[] = [];
        const device: SimDevice = {
          index: devices.length,
          systemIp: edge.systemIp,
          siteId: written.id,
          hostName: edge.hostName,
          personality: 'vedge',
          reachable: true,
          colors: written.tlocs.map((tloc) => tloc.color),
          site,
          siteName: written.name,
          deviceModel: 'vedge-C8000V',
          uuid: `C8K-${hex(hashString(`${edge.systemIp}/uuid`))}-${hex(hashString(`${edge.hostName}/uuid`))}`,
          tlocs: deviceTlocs,
        };
        for (const [position, tloc] of written.tlocs.entries()) {
          const index = tlocs.length;
          const simTloc: SimTloc = {
            index,
            systemIp: edge.systemIp,
            color: tloc.color,
            encapsulation: 'ipsec',
            device,
            siteId: written.id,
            restrict: tloc.restrict,
            profile: mergeProfile(mergeProfile(colorProfile(tloc.color), scenario.colorProfiles[tloc.color]), tloc.profile),
            underlayIp: numberToIpv4((isPublicColor(tloc.color) ? PUBLIC_UNDERLAY : PRIVATE_UNDERLAY) + index),
            // IOS XE moves each further TLOC of a device 20 ports up from 12346.
            port: 12346 + 20 * position,
          };
          deviceTlocs.push(simTloc);
          tlocs.push(simTloc);
        }
        siteDevices.push(device);
        devices.push(device);
      }
      sites.push(site);
    }
    this.sites = sites;
    this.devices = devices;
    this.tlocs = tlocs;
    this.#siteById = new Map(sites.map((site) => [site.id, site]));
    this.#deviceByIp = new Map(devices.map((device) => [device.systemIp, device]));

    this.tlocSite = Int32Array.from(tlocs, (tloc) => tloc.device.site.index);
    this.tlocDevice = Int32Array.from(tlocs, (tloc) => tloc.device.index);
    this.tlocColor = Int32Array.from(tlocs, (tloc) => COLOR_INDEX.get(tloc.color) ?? 0);
    const names = tlocs.map((tloc) => tlocName(tloc));
    const ends = tlocs.map(end);

    const tunnels: SimTunnel[] = [];
    const localTloc: number[] = [];
    const remoteTloc: number[] = [];
    const pairs = new Map<number, number>();
    this.deviceTunnelStart = new Int32Array(devices.length + 1);
    const deviceCount = devices.length;
    for (const local of devices) {
      this.deviceTunnelStart[local.index] = tunnels.length;
      for (const remote of devices) {
        if (remote.site === local.site) continue;
        const start = tunnels.length;
        for (const a of local.tlocs) {
          for (const b of remote.tlocs) {
            if (!formsTunnel(ends[a.index] ?? end(a), ends[b.index] ?? end(b), scenario.topology, scenario.crossColor)) continue;
            tunnels.push({
              index: tunnels.length,
              name: `${names[a.index] ?? ''}-${names[b.index] ?? ''}`,
              local: a,
              remote: b,
              localSiteId: local.siteId,
              remoteSiteId: remote.siteId,
            });
            localTloc.push(a.index);
            remoteTloc.push(b.index);
          }
        }
        if (tunnels.length > start) pairs.set(local.index * deviceCount + remote.index, start * 128 + (tunnels.length - start));
      }
    }
    this.deviceTunnelStart[deviceCount] = tunnels.length;
    this.tunnels = tunnels;
    this.tunnelLocalTloc = Int32Array.from(localTloc);
    this.tunnelRemoteTloc = Int32Array.from(remoteTloc);
    this.#pairs = pairs;

    // Formation is symmetric, so the reverse of every tunnel is in the mirrored device pair.
    this.tunnelReverse = new Int32Array(tunnels.length);
    for (const tunnel of tunnels) {
      this.tunnelReverse[tunnel.index] = this.#find(tunnel.remote.device.index, tunnel.local.device.index, tunnel.remote.index, tunnel.local.index);
    }
  }

  site(id: SiteId): SimSite | undefined {
    return this.#siteById.get(id);
  }

  device(systemIp: SystemIp): SimDevice | undefined {
    return this.#deviceByIp.get(systemIp);
  }

  /** By vManage name (`10.0.0.1:mpls-10.0.0.2:mpls`) or key; undefined when the fabric has no such tunnel. */
  tunnel(nameOrKey: string | TunnelKey): SimTunnel | undefined {
    const key = typeof nameOrKey === 'string' ? parseTunnelName(nameOrKey) : nameOrKey;
    if (key === undefined) return undefined;
    const local = this.#deviceByIp.get(key.local.systemIp);
    const remote = this.#deviceByIp.get(key.remote.systemIp);
    const a = local?.tlocs.find((tloc) => tloc.color === key.local.color);
    const b = remote?.tlocs.find((tloc) => tloc.color === key.remote.color);
    if (local === undefined || remote === undefined || a === undefined || b === undefined) return undefined;
    return this.tunnels[this.#find(local.index, remote.index, a.index, b.index)];
  }

  /** Tunnels whose local end is this device: what vManage lists for `deviceId=<system-ip>`. */
  tunnelsFrom(systemIp: SystemIp): readonly SimTunnel[] {
    const device = this.#deviceByIp.get(systemIp);
    if (device === undefined) return [];
    return this.tunnels.slice(this.deviceTunnelStart[device.index], this.deviceTunnelStart[device.index + 1]);
  }

  /** First tunnel index and count from one device to another (count 0 when they share no tunnel). */
  pairRange(localDevice: number, remoteDevice: number): { readonly start: number; readonly count: number } {
    const packed = this.#pairs.get(localDevice * this.devices.length + remoteDevice);
    return packed === undefined ? { start: 0, count: 0 } : { start: Math.floor(packed / 128), count: packed % 128 };
  }

  tunnelsBetween(localSystemIp: SystemIp, remoteSystemIp: SystemIp): readonly SimTunnel[] {
    const local = this.#deviceByIp.get(localSystemIp);
    const remote = this.#deviceByIp.get(remoteSystemIp);
    if (local === undefined || remote === undefined) return [];
    const { start, count } = this.pairRange(local.index, remote.index);
    return this.tunnels.slice(start, start + count);
  }

  #find(localDevice: number, remoteDevice: number, localTlocIndex: number, remoteTlocIndex: number): number {
    const packed = this.#pairs.get(localDevice * this.devices.length + remoteDevice);
    if (packed === undefined) return -1;
    const start = Math.floor(packed / 128);
    const stop = start + (packed % 128);
    for (let i = start; i < stop; i++) {
      if (this.tunnelLocalTloc[i] === localTlocIndex && this.tunnelRemoteTloc[i] === remoteTlocIndex) return i;
    }
    return -1;
  }
}

function end(tloc: SimTloc) {
  return { siteId: tloc.siteId, hub: tloc.device.site.hub, color: tloc.color, restrict: tloc.restrict };
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0').toUpperCase();
}
