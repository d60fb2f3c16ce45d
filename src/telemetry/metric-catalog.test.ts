import { describe, expect, it } from 'vitest';
import { METRIC_CATALOG, metricSpec, prometheusNameOf } from './metric-catalog.ts';

/** DESIGN.md, "Metrics": the names and labels dashboards and rules depend on. */
const DESIGN_CATALOG: Readonly<Record<string, readonly string[]>> = {
  isthmus_tunnel_latency_seconds: ['local_site', 'local_system_ip', 'local_color', 'remote_site', 'remote_system_ip', 'remote_color'],
  isthmus_tunnel_jitter_seconds: ['local_site', 'local_system_ip', 'local_color', 'remote_site', 'remote_system_ip', 'remote_color'],
  isthmus_tunnel_loss_ratio: ['local_site', 'local_system_ip', 'local_color', 'remote_site', 'remote_system_ip', 'remote_color'],
  isthmus_tunnel_up: ['local_site', 'local_system_ip', 'local_color', 'remote_site', 'remote_system_ip', 'remote_color'],
  isthmus_service_flows_total: ['namespace', 'service', 'src_site', 'dst_site', 'color', 'verdict'],
  isthmus_service_path_latency_seconds: ['namespace', 'service', 'color'],
  isthmus_service_path_jitter_seconds: ['namespace', 'service', 'color'],
  isthmus_service_path_loss_ratio: ['namespace', 'service', 'color'],
  isthmus_slo_max_latency_seconds: ['namespace', 'service'],
  isthmus_slo_max_jitter_seconds: ['namespace', 'service'],
  isthmus_slo_max_loss_ratio: ['namespace', 'service'],
  isthmus_slo_objective_ratio: ['namespace', 'service'],
  isthmus_slo_compliant: ['namespace', 'service'],
  isthmus_service_assignment_info: ['namespace', 'service', 'color', 'mode'],
  isthmus_remaps_total: ['namespace', 'service', 'from', 'to', 'reason'],
  isthmus_policy_pushes_total: ['result'],
  isthmus_policy_push_duration_seconds: [],
  isthmus_hubble_flows_total: [],
  isthmus_hubble_lost_events_total: ['source'],
  isthmus_hubble_connected: [],
  isthmus_leader: [],
  isthmus_vmanage_requests_total: ['endpoint', 'code'],
  isthmus_vmanage_poll_duration_seconds: [],
};

describe('the metric catalog', () => {
  it('holds every metric of DESIGN.md with its labels', () => {
    for (const [name, labels] of Object.entries(DESIGN_CATALOG)) {
      const spec = METRIC_CATALOG.find((entry) => entry.prometheusName === name);
      expect(spec?.labels, name).toEqual(labels);
    }
  });

  it('has unique ids and names, all valid', () => {
    for (const key of ['id', 'prometheusName', 'otelName'] as const) {
      expect(new Set(METRIC_CATALOG.map((spec) => spec[key])).size, key).toBe(METRIC_CATALOG.length);
    }
    for (const spec of METRIC_CATALOG) {
      expect(spec.prometheusName).toMatch(/^isthmus_[a-z_]+[a-z]$/);
      expect(spec.otelName).toMatch(/^isthmus(\.[a-z_]+)+$/);
      for (const label of spec.labels) expect(label).toMatch(/^[a-z][a-z_]*$/);
      expect(spec.help.length).toBeGreaterThan(10);
    }
  });

  it('uses base units: seconds and ratios, _total only on counters', () => {
    for (const spec of METRIC_CATALOG) {
      expect(spec.prometheusName.endsWith('_total'), spec.prometheusName).toBe(spec.kind === 'counter');
      if (spec.unit === 's') expect(spec.prometheusName).toMatch(/_seconds$/);
      if (spec.prometheusName.endsWith('_ratio')) expect(spec.unit).toBe('1');
    }
  });

  it('names each OpenTelemetry metric so that a Collector translates it back to the Prometheus name', () => {
    for (const spec of METRIC_CATALOG) expect(prometheusNameOf(spec.otelName, spec.unit, spec.kind)).toBe(spec.prometheusName);
  });

  it('finds a metric by id', () => {
    expect(metricSpec('tunnelUp').prometheusName).toBe('isthmus_tunnel_up');
  });
});
