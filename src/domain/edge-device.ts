import type { Color } from './color.ts';
import type { SiteId } from './site.ts';
import type { SystemIp } from './system-ip.ts';

export type DevicePersonality = 'vedge' | 'vsmart' | 'vbond' | 'vmanage';

/** An SD-WAN device as the fabric inventory knows it; edges carry the tunnels. */
export interface EdgeDevice {
  readonly systemIp: SystemIp;
  readonly siteId: SiteId;
  readonly hostName: string;
  readonly personality: DevicePersonality;
  readonly reachable: boolean;
  /** The transport colors this device has a TLOC on. */
  readonly colors: readonly Color[];
}
