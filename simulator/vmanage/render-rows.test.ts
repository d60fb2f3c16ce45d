import { describe, expect, it } from 'vitest';
import { appRouteStatFromSample, bfdSessionFromSample, communityRealtimeTunnels, deviceFromSample } from '../../test/vmanage/sample-data-source.ts';
import { readSample, readSampleRows } from '../../test/vmanage/samples.ts';
import { DEVICE_VIEW, envelope } from './envelope.ts';
import { renderAppRouteRow } from './render-app-route-row.ts';
import { renderBfdRow } from './render-bfd-row.ts';
import { renderDeviceRow } from './render-device-row.ts';
import { renderRealtimeRows } from './render-realtime-rows.ts';

/** Same keys in the same order, same values and same JSON types. */
function expectSameWire(rendered: Record<string, unknown>, captured: Record<string, unknown>): void {
  expect(Object.keys(rendered)).toEqual(Object.keys(captured));
  expect(JSON.parse(JSON.stringify(rendered))).toStrictEqual(captured);
}

describe('emulator rows reproduce the captures exactly', () => {
  it('/dataservice/device', () => {
    const [captured = {}] = readSampleRows('dataservice_device.json');
    expectSameWire(renderDeviceRow(deviceFromSample(captured), ['10.10.1.1']), captured);
  });

  it('bulk app-route statistics (loss_percentage derived from loss/total)', () => {
    const [captured = {}] = readSampleRows('data_device_statistics_approutestatsstatistics.json');
    expectSameWire(renderAppRouteRow(appRouteStatFromSample(captured)), captured);
  });

  it('bulk-state BFD sessions', () => {
    const [captured = {}] = readSampleRows('data_device_state_BFDSessions.json');
    expectSameWire(renderBfdRow(bfdSessionFromSample(captured), 3692), captured);
  });

  it('edge devices add bfdSessions/ompPeers as strings and bfdSessionsUp as a number', () => {
    const [captured = {}] = readSampleRows('dataservice_device.json');
    const row = renderDeviceRow({ ...deviceFromSample(captured), personality: 'vedge', bfdSessions: 4, bfdSessionsUp: 3, ompPeers: 1 }, []);
    expect(row).toMatchObject({ bfdSessions: '4', bfdSessionsUp: 3, ompPeers: '1', 'site-id': '101' });
  });

  it('the envelope header has the captured shape', () => {
    const header = (readSample('envelope_header.json') as { header: Record<string, unknown> }).header;
    const rendered = envelope([{ 'host-name': 'Manager' }], DEVICE_VIEW, 1709049190625) as { header: Record<string, unknown> };
    expect(Object.keys(rendered.header)).toEqual(Object.keys(header));
    expect(rendered.header.viewKeys).toEqual(header.viewKeys);
    expect(rendered.header.generatedOn).toBe(header.generatedOn);
  });
});

describe('real-time app-route rows (reconstructed schema)', () => {
  const schema = readSample('realtime_field_lists.json') as Record<string, { row_fields?: Record<string, string> }>;
  const fields =
    schema['GET /dataservice/device/app-route/statistics?deviceId=<system-ip>[&remote-system-ip=&local-color=&remote-color=]']?.row_fields ?? {};
  const [healthy, dead] = communityRealtimeTunnels(1709050800000).map(renderRealtimeRows);

  it('has exactly the declared fields, with the declared JSON types', () => {
    expect(healthy).toHaveLength(6);
    for (const row of healthy ?? []) {
      expect(Object.keys(row).sort()).toEqual(Object.keys(fields).sort());
      for (const [key, declared] of Object.entries(fields)) {
        expect([key, typeof row[key]]).toEqual([key, declared.startsWith('string') ? 'string' : 'number']);
      }
    }
  });

  it('computes mean-* as the rounded bucket means, mean-loss in percent (Cisco CLI sample)', () => {
    expect(healthy?.[0]).toMatchObject({ 'mean-latency': 39, 'mean-jitter': 21, 'mean-loss': 0, index: '0', 'average-latency': '35' });
    expect(healthy?.map((row) => row.index)).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(dead?.[0]).toMatchObject({ 'mean-loss': 100, loss: '640', 'total-packets': '640', 'sla-class-index': '' });
  });
});
