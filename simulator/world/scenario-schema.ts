import { z } from 'zod';
import { COLORS } from '../../src/domain/color.ts';
import { MAX_SITE_ID, MIN_SITE_ID } from '../../src/domain/site.ts';
import {
  cidrField,
  durationField,
  instantField,
  ipv4Field,
  nameField,
  nodeNameField,
  positiveDurationField,
  rangeField,
  ratioField,
  refField,
  seedField,
  sloDurationField,
  sloPercentField,
  sloWindowField,
  systemIpField,
} from './scenario-fields.ts';

/**
 * The scenario file as written: the YAML shape, with units converted but nothing defaulted that depends on
 * other entries (addresses, placements). Objects are strict so that a misspelt key is an error, not a
 * silently ignored line.
 */

const colorName = z.enum(COLORS);
const siteId = z.number().int().min(MIN_SITE_ID).max(MAX_SITE_ID);
const labels = z.record(z.string(), z.string());
const port = z.number().int().min(1).max(65_535);

/** Per-color or per-circuit deviations from the built-in profiles. */
const profileOverride = z.strictObject({
  latency: durationField.optional(),
  jitter: durationField.optional(),
  loss: ratioField.optional(),
  noise: z.number().min(0).max(5).optional(),
  lossSpikeChance: ratioField.optional(),
  lossSpike: ratioField.optional(),
});

const siteColor = z.union([
  colorName,
  z.strictObject({
    color: colorName,
    restrict: z.boolean().optional(),
    latency: durationField.optional(),
    jitter: durationField.optional(),
    loss: ratioField.optional(),
    noise: z.number().min(0).max(5).optional(),
  }),
]);

const edge = z.strictObject({ systemIp: systemIpField, hostName: nodeNameField.optional() });

const site = z.strictObject({
  id: siteId,
  name: z.string().min(1).optional(),
  /** [latitude, longitude] in degrees: distance adds propagation delay. */
  location: z.tuple([z.number().min(-90).max(90), z.number().min(-180).max(180)]).optional(),
  colors: z.array(siteColor).min(1).max(8),
  edges: z.union([z.number().int().min(1).max(16), z.array(edge).min(1).max(16)]).optional(),
  hub: z.boolean().optional(),
});

const fabric = z.strictObject({
  topology: z.enum(['full-mesh', 'hub-and-spoke']).optional(),
  crossColor: z.boolean().optional(),
  samplePeriod: positiveDurationField.optional(),
});

const node = z.strictObject({
  name: nodeNameField,
  site: siteId,
  ip: ipv4Field.optional(),
  podCidr: cidrField.optional(),
  labels: labels.optional(),
});

const namespace = z.union([
  nameField,
  z.strictObject({
    name: nameField,
    allowedTunnels: z.array(colorName).min(1).optional(),
    labels: labels.optional(),
    annotations: labels.optional(),
  }),
]);

const servicePort = z.union([
  port,
  z.strictObject({
    name: nameField.optional(),
    port,
    targetPort: z.union([port, z.string().min(1)]).optional(),
    protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
  }),
]);

/** Shorthand for the `isthmus.io/…` SLO annotations. */
const slo = z.strictObject({
  latency: sloDurationField.optional(),
  jitter: sloDurationField.optional(),
  loss: sloPercentField.optional(),
  objective: sloPercentField.optional(),
  window: sloWindowField.optional(),
  tunnels: z.array(colorName).min(1).optional(),
  fallback: z.enum(['best-effort', 'hold']).optional(),
});

const placement = {
  nodes: z.array(nodeNameField).min(1).optional(),
  sites: z.array(siteId).min(1).optional(),
};

const service = z.strictObject({
  name: nameField,
  namespace: nameField.optional(),
  clusterIp: ipv4Field.optional(),
  ports: z.array(servicePort).min(1).optional(),
  slo: slo.optional(),
  /** Static pin (`isthmus.io/tunnel`). */
  tunnel: colorName.optional(),
  annotations: labels.optional(),
  selector: labels.optional(),
  responseTime: durationField.optional(),
  errors: ratioField.optional(),
  /** Inline backend: a Deployment of the same name, labelled `app: <name>`. */
  replicas: z.number().int().min(0).max(1000).optional(),
  labels: labels.optional(),
  ...placement,
});

const workload = z.strictObject({
  name: nameField,
  namespace: nameField.optional(),
  replicas: z.number().int().min(0).max(1000).optional(),
  labels: labels.optional(),
  ...placement,
});

const traffic = z.strictObject({
  from: refField,
  to: refField,
  rate: z.number().positive().max(100_000),
  port: port.optional(),
  drops: ratioField.optional(),
  http: ratioField.optional(),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
  path: z.string().startsWith('/').optional(),
});

const cluster = z.strictObject({
  nodes: z.array(node).optional(),
  namespaces: z.array(namespace).optional(),
  services: z.array(service).optional(),
  workloads: z.array(workload).optional(),
  traffic: z.array(traffic).optional(),
});

const event = z
  .strictObject({
    at: durationField,
    scale: refField.optional(),
    replicas: z.number().int().min(0).max(1000).optional(),
    annotate: refField.optional(),
    annotations: z.record(z.string(), z.string().nullable()).optional(),
  })
  .superRefine((value, ctx) => {
    const actions = (value.scale === undefined ? 0 : 1) + (value.annotate === undefined ? 0 : 1);
    if (actions !== 1) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of scale or annotate', input: value });
    } else if (value.scale !== undefined && value.replicas === undefined) {
      ctx.addIssue({ code: 'custom', path: ['replicas'], message: 'expected an integer (the new replica count) with scale, got nothing' });
    } else if (value.annotate !== undefined && value.annotations === undefined) {
      ctx.addIssue({ code: 'custom', path: ['annotations'], message: 'expected a mapping of annotations (null removes one) with annotate, got nothing' });
    }
  });

const target = z
  .strictObject({
    tunnel: z.string().optional(),
    color: colorName.optional(),
    site: siteId.optional(),
    sites: z.tuple([siteId, siteId]).optional(),
  })
  .superRefine((value, ctx) => {
    const set = (Object.values(value) as unknown[]).filter((v) => v !== undefined).length;
    if (set === 0) ctx.addIssue({ code: 'custom', message: 'expected at least one of tunnel, color, site or sites', input: value });
    else if (value.tunnel !== undefined && set > 1) ctx.addIssue({ code: 'custom', message: 'tunnel names one tunnel pair: it cannot be combined with color, site or sites', input: value });
    else if (value.site !== undefined && value.sites !== undefined) ctx.addIssue({ code: 'custom', message: 'use either site or sites, not both', input: value });
  });

const occurrence = {
  name: nameField.optional(),
  target,
  at: durationField,
  duration: positiveDurationField,
  every: positiveDurationField.optional(),
  count: z.number().int().min(1).optional(),
};

const incident = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('brownout'),
    ...occurrence,
    ramp: durationField.optional(),
    latency: durationField.optional(),
    jitter: durationField.optional(),
    loss: ratioField.optional(),
  }),
  z.strictObject({ kind: z.literal('blackout'), ...occurrence }),
  z.strictObject({
    kind: z.literal('flapping'),
    ...occurrence,
    period: positiveDurationField,
    downFor: positiveDurationField.optional(),
  }),
]);

/** Expanded deterministically from the scenario seed; generated entities come after the written ones. */
const generate = z.strictObject({
  sites: z.number().int().min(0).max(10_000).optional(),
  colorsPerSite: z.number().int().min(1).max(8).optional(),
  colors: z.array(colorName).min(1).optional(),
  restrict: z.array(colorName).optional(),
  edgesPerSite: z.number().int().min(1).max(4).optional(),
  hubs: z.number().int().min(0).optional(),
  nodesPerSite: z.number().int().min(0).max(16).optional(),
  namespaces: z.number().int().min(1).max(1_000).optional(),
  services: z.number().int().min(0).max(100_000).optional(),
  replicas: rangeField(0, 100, true).optional(),
  sloShare: ratioField.optional(),
  pinShare: ratioField.optional(),
  callsPerService: z.number().int().min(0).max(20).optional(),
  rate: rangeField(0.001, 10_000, false).optional(),
  httpShare: ratioField.optional(),
  dropShare: ratioField.optional(),
});

export const scenarioSchema = z.strictObject({
  name: nameField,
  description: z.string().optional(),
  seed: seedField.optional(),
  start: instantField.optional(),
  fabric: fabric.optional(),
  colors: z.partialRecord(colorName, profileOverride).optional(),
  sites: z.array(site).optional(),
  cluster: cluster.optional(),
  events: z.array(event).optional(),
  incidents: z.array(incident).optional(),
  generate: generate.optional(),
});

export type ScenarioDocument = z.output<typeof scenarioSchema>;
export type SiteDocument = z.output<typeof site>;
export type ServiceDocument = z.output<typeof service>;
export type IncidentDocument = z.output<typeof incident>;
export type GenerateDocument = z.output<typeof generate>;
