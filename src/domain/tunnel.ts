import { isColor } from './color.ts';
import type { Color } from './color.ts';
import type { SiteId } from './site.ts';
import type { SystemIp } from './system-ip.ts';
import { isValidSystemIp } from './system-ip.ts';
import { tlocName } from './tloc.ts';

/** One end of a tunnel: the encapsulation does not distinguish tunnels in vManage's statistics. */
export interface TunnelEnd {
  readonly systemIp: SystemIp;
  readonly color: Color;
}

/** A tunnel is directional and keyed by (local TLOC, remote TLOC), as vManage reports it. */
export interface TunnelKey {
  readonly local: TunnelEnd;
  readonly remote: TunnelEnd;
}

export interface Tunnel extends TunnelKey {
  readonly localSiteId: SiteId;
  readonly remoteSiteId: SiteId;
}

/** vManage's tunnel name, e.g. `10.10.1.13:mpls-10.10.1.11:public-internet`; also the map key. */
export function tunnelName(key: TunnelKey): string {
  return `${tlocName(key.local)}-${tlocName(key.remote)}`;
}

const tunnelNamePattern = /^(\d{1,3}(?:\.\d{1,3}){3}):([a-z0-9-]+)-(\d{1,3}(?:\.\d{1,3}){3}):([a-z0-9-]+)$/;

/** Parses vManage's tunnel name; undefined when it is not one. */
export function parseTunnelName(name: string): TunnelKey | undefined {
  const match = tunnelNamePattern.exec(name);
  if (!match) return undefined;
  const [, localIp = '', localColor = '', remoteIp = '', remoteColor = ''] = match;
  if (!isValidSystemIp(localIp) || !isValidSystemIp(remoteIp)) return undefined;
  if (!isColor(localColor) || !isColor(remoteColor)) return undefined;
  return { local: { systemIp: localIp, color: localColor }, remote: { systemIp: remoteIp, color: remoteColor } };
}

/** The same tunnel seen from the other end. */
export function reverseTunnel(key: TunnelKey): TunnelKey {
  return { local: key.remote, remote: key.local };
}
