import type { SystemIp } from '../domain/system-ip.ts';
import type { VmanageDevice } from './parse-devices.ts';

/**
 * The fabric's devices by system IP, as `/dataservice/device` last listed them: where tunnels get
 * their site ids and host names, and which edges real-time polling asks. Replaced whole on each
 * refresh, so a device removed from vManage disappears here too.
 */
export class DeviceInventory {
  #bySystemIp = new Map<SystemIp, VmanageDevice>();
  #refreshedAt: number | undefined;

  get size(): number {
    return this.#bySystemIp.size;
  }

  /** Epoch ms of the last successful refresh; undefined before the first. */
  get refreshedAt(): number | undefined {
    return this.#refreshedAt;
  }

  replace(devices: readonly VmanageDevice[], now: number): void {
    this.#bySystemIp = new Map(devices.map((device) => [device.systemIp, device]));
    this.#refreshedAt = now;
  }

  get(systemIp: SystemIp): VmanageDevice | undefined {
    return this.#bySystemIp.get(systemIp);
  }

  /** Reachable edge routers: the devices that have tunnels and answer real-time queries. */
  reachableEdges(): VmanageDevice[] {
    return [...this.#bySystemIp.values()].filter(isReachableEdge);
  }
}

export function isReachableEdge(device: VmanageDevice): boolean {
  return device.personality === 'vedge' && device.reachable;
}
