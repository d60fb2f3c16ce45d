import { renderAppRouteRow } from '../../../simulator/vmanage/render-app-route-row.ts';
import { renderBfdRow } from '../../../simulator/vmanage/render-bfd-row.ts';
import { renderDeviceRow } from '../../../simulator/vmanage/render-device-row.ts';
import type { WorldDataSource } from '../../../simulator/vmanage/world-data-source.ts';
import { parseAppRouteStatistics } from '../../../src/vmanage/parse-app-route-statistics.ts';
import { parseBfdSessions } from '../../../src/vmanage/parse-bfd-sessions.ts';
import { parseDevices } from '../../../src/vmanage/parse-devices.ts';
import type { TunnelTelemetryReader } from '../../../src/vmanage/tunnel-telemetry-collector.ts';

/**
 * The vManage reads the collector makes, answered from the emulator's data source without HTTP: the
 * same rows the emulator would serve (rendered by its renderers: whole milliseconds, loss in probes,
 * `Up`/`Down`), parsed by the bridge's own parsers. So the collector sees exactly what it sees against
 * the emulator, at a fraction of the cost, and the benchmark can fast-forward simulated time.
 */
export function worldTelemetryReader(source: WorldDataSource): TunnelTelemetryReader {
  return {
    devices: () => {
      const devices = source.devices();
      const managers = devices.filter((device) => device.personality === 'vmanage').map((device) => device.systemIp);
      return Promise.resolve(parseDevices(devices.map((device) => renderDeviceRow(device, managers))));
    },
    appRouteStatistics: (fromMs, toMs) => Promise.resolve(parseAppRouteStatistics(source.appRouteStatistics(fromMs, toMs).map(renderAppRouteRow))),
    bfdSessions: () => Promise.resolve(parseBfdSessions(source.bfdSessions().map((session, index) => renderBfdRow(session, session.rid ?? index + 1)))),
    realtimeAppRoute: () => Promise.reject(new Error('the benchmark polls bulk statistics only')),
  };
}
