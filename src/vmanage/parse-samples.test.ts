import { describe, expect, it } from 'vitest';
import { readSample, readSampleRows, sampleFiles } from '../../test/vmanage/samples.ts';
import { parseAppRouteStatistics } from './parse-app-route-statistics.ts';
import { parseBfdSessions } from './parse-bfd-sessions.ts';
import { parseDevices } from './parse-devices.ts';
import { parseEnvelope } from './parse-envelope.ts';
import { parseErrorEnvelope } from './parse-error-envelope.ts';
import { parseRealtimeAppRoute } from './parse-realtime-app-route.ts';

describe('parsers on the captured samples, read unchanged from disk', () => {
  it('knows every sample file (a new one must be added here)', () => {
    expect(sampleFiles()).toEqual([
      'aggregation_query_examples.json',
      'catalystwan_test_device_list.json',
      'catalystwan_test_devices_bfd_sessions.json',
      'data_device_state_BFDSessions.json',
      'data_device_state_ControlConnection.json',
      'data_device_state_OMPPeer.json',
      'data_device_statistics_approutestatsstatistics.json',
      'dataservice_device.json',
      'device_action_status_template_push.json',
      'device_counters.json',
      'envelope_header.json',
      'error_body_examples.json',
      'policy_payload_examples.json',
      'realtime_field_lists.json',
    ]);
  });

  it('reads the sandbox vManage from /dataservice/device (site-id is a string there)', () => {
    const result = parseDevices(readSample('dataservice_device.json'));
    expect(result).toEqual({
      items: [
        {
          systemIp: '10.10.1.1',
          hostName: 'Manager',
          siteId: 101,
          personality: 'vmanage',
          reachable: true,
          deviceType: 'vmanage',
          deviceModel: 'vmanage',
          uuid: 'dfa48eb3-9e5b-4bca-a25a-2aace87fdf62',
          version: '20.12.1',
        },
      ],
      skipped: 0,
      duplicates: 0,
    });
  });

  it("reads catalystwan's device list, falling back to local-system-ip and leaving the site unknown", () => {
    const result = parseDevices(readSample('catalystwan_test_device_list.json'));
    expect(result.skipped).toBe(0);
    expect(result.items.map((device) => [device.systemIp, device.hostName, device.personality, device.siteId])).toEqual([
      ['1.1.1.1', 'vm200', 'vmanage', undefined],
      ['1.1.1.3', 'vm129', 'vsmart', undefined],
      ['1.1.1.2', 'vm128', 'vbond', undefined],
      ['172.16.254.2', 'vm1', 'vedge', undefined],
    ]);
    expect(result.items[3]?.deviceModel).toBe('vedge-cloud');
  });

  it('reads the sandbox bulk app-route statistics row in base units', () => {
    const result = parseAppRouteStatistics(readSample('data_device_statistics_approutestatsstatistics.json'));
    expect(result.skipped).toBe(0);
    expect(result.items).toHaveLength(1);
    const [observation] = result.items;
    expect(observation?.name).toBe('10.10.1.13:mpls-10.10.1.11:public-internet');
    expect(observation?.tunnel).toEqual({
      local: { systemIp: '10.10.1.13', color: 'mpls' },
      remote: { systemIp: '10.10.1.11', color: 'public-internet' },
    });
    expect(observation?.sample.time).toBe(1709050725125);
    expect(observation?.sample.latencySeconds).toBeCloseTo(0.202, 9);
    expect(observation?.sample.jitterSeconds).toBe(0);
    expect(observation?.sample.lossRatio).toBeCloseTo(0.00301, 9);
    expect(observation?.sample.state).toBe('up');
    expect(observation?.localSiteId).toBe(1001);
    expect(observation?.localHostName).toBe('Site1-cEdge01');
  });

  it('drops the same statistics row met twice (overlapping pages or windows)', () => {
    const rows = readSampleRows('data_device_statistics_approutestatsstatistics.json');
    const result = parseAppRouteStatistics([...rows, ...rows]);
    expect(result.items).toHaveLength(1);
    expect(result.duplicates).toBe(1);
  });

  it('reads the sandbox BFD state row: system-ip, color and site-id (an integer) are the remote end', () => {
    const result = parseBfdSessions(readSample('data_device_state_BFDSessions.json'));
    expect(result).toEqual({
      items: [
        {
          tunnel: {
            local: { systemIp: '10.10.1.11', color: 'public-internet' },
            remote: { systemIp: '10.10.1.13', color: 'public-internet' },
          },
          name: '10.10.1.11:public-internet-10.10.1.13:public-internet',
          state: 'up',
          remoteSiteId: 1001,
          localHostName: 'DC-cEdge01',
          time: 1708940180703,
          transitions: 0,
        },
      ],
      skipped: 0,
      duplicates: 0,
    });
  });

  it("reads catalystwan's abbreviated real-time BFD rows only with the device they came from", () => {
    const rows = readSample('catalystwan_test_devices_bfd_sessions.json');
    expect(parseBfdSessions(rows)).toEqual({ items: [], skipped: 2, duplicates: 0 });
    // Both rows describe the same TLOC pair (they differ only in underlay addresses): one tunnel.
    const result = parseBfdSessions(rows, { localSystemIp: '1.1.1.9' });
    expect(result.items.map((item) => [item.name, item.state, item.remoteSiteId])).toEqual([['1.1.1.9:3g-1.1.1.1:3g', 'up', 1]]);
    expect(result.duplicates).toBe(1);
  });

  it('unwraps the captured envelope header and notices its placeholder data', () => {
    const envelope = parseEnvelope(readSample('envelope_header.json'));
    expect(envelope.generatedOn).toBe(1709049190625);
    expect(envelope.malformed).toBe(true);
    expect(envelope.rows).toEqual([]);
    expect(parseDevices(readSample('envelope_header.json'))).toEqual({ items: [], skipped: 0, duplicates: 0 });
  });

  it('reads every error body of the compiled examples', () => {
    const examples = readSample('error_body_examples.json') as Record<string, { body?: unknown }>;
    expect(parseErrorEnvelope(examples.catalystwan_test_session_500?.body)).toEqual({
      message: 'Delete users request failed',
      details: 'No user with name XYZ was found',
      code: 'USER0006',
    });
    expect(parseErrorEnvelope(examples.terraform_provider_not_found_message?.body)).toEqual({
      message: 'Failed to find specified resource',
      details: undefined,
      code: undefined,
    });
    const parsed = Object.values(examples).map((example) => parseErrorEnvelope(example.body));
    expect(parsed.filter((info) => info !== undefined)).toHaveLength(4);
  });

  it('parses real-time rows typed as realtime_field_lists.json declares them', () => {
    const schema = readSample('realtime_field_lists.json') as Record<string, { row_fields?: Record<string, string> }>;
    const fields = schema['GET /dataservice/device/app-route/statistics?deviceId=<system-ip>[&remote-system-ip=&local-color=&remote-color=]']?.row_fields;
    expect(fields).toBeDefined();
    // One row per bucket of the Cisco Community CLI sample, typed per the declared JSON types.
    const latencies = [35, 31, 32, 36, 55, 47];
    const jitters = [16, 14, 18, 22, 31, 24];
    const rows = latencies.map((latency, index) => {
      const values: Record<string, string | number> = {
        'vdevice-name': '10.10.1.13', 'vdevice-host-name': 'Site1-cEdge01', 'vdevice-dataKey': 'k', lastupdated: 1709050800000,
        'src-ip': '10.10.23.10', 'src-port': 12346, 'dst-ip': '10.10.23.38', 'dst-port': 12346, proto: 'ipsec',
        'local-color': 'mpls', 'remote-color': 'public-internet', 'remote-system-ip': '10.10.1.11', index,
        'total-packets': 640, loss: 0, 'average-latency': latency, 'average-jitter': jitters[index] ?? 0,
        'tx-data-pkts': 10, 'rx-data-pkts': 10, 'mean-loss': 0, 'mean-latency': 39, 'mean-jitter': 21, 'sla-class-index': '0,1',
      };
      return Object.fromEntries(
        Object.entries(fields ?? {}).map(([key, type]) => [key, type.startsWith('string') ? String(values[key]) : Number(values[key])]),
      );
    });
    const result = parseRealtimeAppRoute(rows);
    expect(result.skipped).toBe(0);
    expect(result.items).toHaveLength(1);
    expect(result.items[0]?.sample.latencySeconds).toBeCloseTo(0.039, 9);
    expect(result.items[0]?.sample.jitterSeconds).toBeCloseTo(0.021, 9);
    expect(result.items[0]?.sample.time).toBe(1709050800000);
    // Without the mean-* fields, the bucket means give the same answer (unrounded).
    const bare = rows.map(({ ['mean-latency']: _l, ['mean-jitter']: _j, ['mean-loss']: _m, ...rest }) => rest);
    expect(parseRealtimeAppRoute(bare).items[0]?.sample.latencySeconds).toBeCloseTo(0.03933, 4);
  });

  it('never throws on any sample file, whatever parser it is fed to', () => {
    for (const name of sampleFiles()) {
      const body = readSample(name);
      for (const parse of [parseDevices, parseAppRouteStatistics, parseBfdSessions, parseRealtimeAppRoute, parseEnvelope, parseErrorEnvelope]) {
        expect(() => parse(body)).not.toThrow();
      }
    }
    // Rows of other families are skipped and counted, not misread.
    expect(parseBfdSessions(readSample('data_device_state_ControlConnection.json'))).toEqual({ items: [], skipped: 1, duplicates: 0 });
    expect(parseBfdSessions(readSample('data_device_state_OMPPeer.json'))).toEqual({ items: [], skipped: 1, duplicates: 0 });
    expect(parseDevices(readSample('device_counters.json'))).toEqual({ items: [], skipped: 1, duplicates: 0 });
    expect(parseAppRouteStatistics(readSample('data_device_state_BFDSessions.json')).skipped).toBe(1);
  });
});
