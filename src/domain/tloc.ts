import type { Color } from './color.ts';
import type { SystemIp } from './system-ip.ts';

export type Encapsulation = 'ipsec' | 'gre';

/** Transport locator: where a tunnel ends, (system IP, color, encapsulation). */
export interface Tloc {
  readonly systemIp: SystemIp;
  readonly color: Color;
  readonly encapsulation: Encapsulation;
}

/** `10.10.1.13:mpls`, the form vManage uses inside tunnel names. */
export function tlocName(tloc: Pick<Tloc, 'systemIp' | 'color'>): string {
  return `${tloc.systemIp}:${tloc.color}`;
}
