import { describe, expect, it } from 'vitest';
import { readSampleRows } from '../../test/vmanage/samples.ts';
import { parseAppRouteStatistics } from './parse-app-route-statistics.ts';
import { parseBfdSessions } from './parse-bfd-sessions.ts';
import { edgeDeviceOf, parseDevices } from './parse-devices.ts';
import { parseEnvelope } from './parse-envelope.ts';
import { parseRealtimeAppRoute } from './parse-realtime-app-route.ts';
import { latestByTunnel } from './tunnel-observation.ts';

const statRow = readSampleRows('data_device_statistics_approutestatsstatistics.json')[0] ?? {};

describe('defensive parsing', () => {
  it.each([null, 42, 'text', {}, { data: 'x' }, [null, 1, 'row', []]])('survives %j', (body) => {
    expect(() => parseDevices(body)).not.toThrow();
    expect(() => parseAppRouteStatistics(body)).not.toThrow();
    expect(() => parseBfdSessions(body)).not.toThrow();
    expect(() => parseRealtimeAppRoute(body)).not.toThrow();
  });

  it('counts rows it cannot use instead of guessing', () => {
    const rows = [
      { ...statRow, latency: 'slow' },
      { ...statRow, local_color: 'purple', name: 'not-a-tunnel' },
      { ...statRow, loss_percentage: 140 },
      { ...statRow, state: 'Flapping' },
      { ...statRow, entry_time: undefined },
      'not a row',
    ];
    expect(parseAppRouteStatistics(rows)).toEqual({ items: [], skipped: 6, duplicates: 0 });
  });

  it('falls back to the tunnel name and to lost/total probes', () => {
    const { local_system_ip: _a, local_color: _b, remote_system_ip: _c, remote_color: _d, loss_percentage: _e, ...rest } = statRow;
    const result = parseAppRouteStatistics([rest]);
    expect(result.items[0]?.name).toBe('10.10.1.13:mpls-10.10.1.11:public-internet');
    expect(result.items[0]?.sample.lossRatio).toBeCloseTo(2 / 664, 9);
  });

  it('reads numbers sent as strings and a Down state', () => {
    const result = parseAppRouteStatistics([{ ...statRow, latency: '12', jitter: '3.5', state: 'Down' }]);
    expect(result.items[0]?.sample).toMatchObject({ latencySeconds: 0.012, jitterSeconds: 0.0035, state: 'down' });
  });

  it('accepts envelopes as well as bare arrays, with both paging forms', () => {
    const envelope = parseEnvelope({ header: { generatedOn: 5 }, data: [statRow], pageInfo: { startId: 7, endId: '9', moreEntries: true, count: 1 } });
    expect(envelope.pageInfo).toEqual({ startId: '7', endId: '9', moreEntries: true, scrollId: undefined, hasMoreData: false, count: 1 });
    expect(parseAppRouteStatistics({ data: [statRow] }).items).toHaveLength(1);
  });

  it('keeps the newest sample per tunnel', () => {
    const result = parseAppRouteStatistics([statRow, { ...statRow, entry_time: 1709051325125, latency: 10 }]);
    const latest = latestByTunnel(result.items);
    expect(latest.get('10.10.1.13:mpls-10.10.1.11:public-internet')?.sample.latencySeconds).toBeCloseTo(0.01, 9);
  });

  it('maps BFD init/admin-down to down and keeps the latest row of a tunnel', () => {
    const base = readSampleRows('data_device_state_BFDSessions.json')[0] ?? {};
    const result = parseBfdSessions([
      { ...base, state: 'init', lastupdated: 2 },
      { ...base, state: 'up', lastupdated: 1 },
      { ...base, 'local-color': 'mpls', state: 'admin-down' },
      { ...base, state: 'weird' },
    ]);
    expect(result.items.map((item) => [item.tunnel.local.color, item.state])).toEqual([
      ['public-internet', 'down'],
      ['mpls', 'down'],
    ]);
    expect(result).toMatchObject({ skipped: 1, duplicates: 1 });
  });

  it('treats a real-time tunnel that lost every probe as down, from per-bucket packet counts', () => {
    const row = { 'vdevice-name': '10.10.1.13', 'local-color': 'lte', 'remote-system-ip': '10.10.1.11', 'remote-color': 'lte', lastupdated: 1, 'total-packets': '640', loss: '640', 'average-latency': '0', 'average-jitter': '0' };
    const result = parseRealtimeAppRoute([row, { ...row, index: '1' }]);
    expect(result.items[0]?.sample).toMatchObject({ lossRatio: 1, state: 'down' });
    expect(parseRealtimeAppRoute([{ ...row, lastupdated: undefined }]).skipped).toBe(1);
    expect(parseRealtimeAppRoute([{ ...row, lastupdated: undefined }], { fallbackTime: 9 }).items[0]?.sample.time).toBe(9);
  });

  it('builds a domain EdgeDevice only for devices with a site', () => {
    const [device] = parseDevices(readSampleRows('dataservice_device.json')).items;
    expect(device && edgeDeviceOf(device, ['mpls'])).toEqual({
      systemIp: '10.10.1.1', siteId: 101, hostName: 'Manager', personality: 'vmanage', reachable: true, colors: ['mpls'],
    });
    expect(device && edgeDeviceOf({ ...device, siteId: undefined }, [])).toBeUndefined();
  });

  it('skips devices without a system ip, a known personality or reachability; counts repeats', () => {
    const [row = {}] = readSampleRows('dataservice_device.json');
    const result = parseDevices([row, row, { ...row, 'system-ip': '127.0.0.1', 'local-system-ip': undefined }, { ...row, personality: 'vcloud' }, { ...row, reachability: undefined }]);
    expect(result).toMatchObject({ skipped: 3, duplicates: 1 });
    expect(result.items).toHaveLength(1);
  });
});
