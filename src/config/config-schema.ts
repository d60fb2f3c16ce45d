import { validate as isValidCron } from 'node-cron';
import { z } from 'zod';
import { COLORS } from '../domain/color.ts';
import { MAX_SITE_ID, MIN_SITE_ID } from '../domain/site.ts';
import { LOG_FORMATS, LOG_LEVELS } from '../telemetry/logger.ts';
import { checkAddress } from './check-address.ts';
import { checkUrl } from './check-url.ts';
import { formatConfigDuration, parseConfigDuration } from './config-duration.ts';
import { describeFound } from './describe-found.ts';
import { parseCidr } from './parse-cidr.ts';

/*
 * The configuration file of the bridge. Conventions:
 * - every object is strict, so a mistyped key is an error and never silently ignored;
 * - every field says what it does and its default in `.describe()`, which `isthmus config schema` publishes;
 * - defaults are given in input form (`prefault`), so a default duration reads `30s`, as a user would write it;
 * - durations decode to milliseconds, and encode back to text for `isthmus config print`;
 * - secrets are references (`{env: NAME}` or `{file: /path}`), resolved later by `resolveSecret`.
 */

/** A secret is named, never written: the configuration (and anything printing it) holds only this reference. */
export type SecretRef = { readonly env: string } | { readonly file: string };
export interface SecretRefInput {
  env?: string;
  file?: string;
}

export const SECRET_REFERENCE_HOWTO = 'write {env: VARIABLE_NAME} (read from that environment variable) or {file: /path/to/file} (e.g. a mounted Kubernetes Secret)';

/** Secret schemas are recognised by identity: overrides replace a reference whole instead of merging it. */
const secretSchemas = new WeakSet<object>();

export function isSecretSchema(schema: object): boolean {
  return secretSchemas.has(schema);
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function secretRef(description: string): z.ZodType<SecretRef, SecretRefInput> {
  const schema = z
    .strictObject(
      {
        env: z
          .string()
          .regex(ENV_NAME, { error: (issue) => `expected an environment variable name such as VMANAGE_PASSWORD, found ${describeFound(issue.input)}` })
          .optional()
          .describe('Name of the environment variable that holds the secret.'),
        file: z.string().min(1, 'expected a file path').optional().describe('Path of a file that holds the secret (a trailing newline is trimmed).'),
      },
      {
        // A plain string here is almost certainly the secret itself: say how to reference it, and never echo it.
        error: (issue) => {
          if (issue.code !== 'invalid_type') return undefined;
          if (typeof issue.input === 'string') return `a secret must not be written in the configuration; ${SECRET_REFERENCE_HOWTO}`;
          return `expected a secret reference, ${SECRET_REFERENCE_HOWTO}; found ${describeFound(issue.input)}`;
        },
      },
    )
    .refine((ref) => (ref.env === undefined) !== (ref.file === undefined), { error: `a secret reference has exactly one of env or file: ${SECRET_REFERENCE_HOWTO}` })
    .describe(`${description} Secret, given by reference: {env: NAME} or {file: /path}; never the value itself.`);
  secretSchemas.add(schema);
  // The refinement guarantees exactly one key, which the union type states and the object type cannot.
  return schema as unknown as z.ZodType<SecretRef, SecretRefInput>;
}

function renderDefault(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(renderDefault).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length === 0 ? '{}' : JSON.stringify(value);
  return String(value);
}

/** A field with a default, documented in one place so that the description cannot disagree with the value. */
function withDefault<S extends z.ZodType>(schema: S, value: z.input<S>, description: string): z.ZodPrefault<S> {
  return schema.prefault(value as never).describe(`${description} Default: ${renderDefault(value)}.`);
}

/** A section whose every field has a default: absent means all defaults. */
function section<S extends z.ZodType>(schema: S, description: string): z.ZodPrefault<S> {
  return schema.prefault({} as never).describe(description);
}

interface DurationBounds {
  readonly min?: string;
  readonly max?: string;
}

/** Lets a custom range check carry the same problem code as zod's own numeric bounds. */
export const OUT_OF_RANGE = { problemCode: 'OutOfRange' } as const;

const DURATION_EXAMPLE = 'a duration such as 30s, 5m or 1h30m (units ms, s, m, h, d)';

/** A duration written as text (`30s`) that decodes to milliseconds. Bounds are checked on the text's value. */
function duration(bounds: DurationBounds = {}) {
  const min = parseConfigDuration(bounds.min ?? '1ms') ?? 1;
  const max = bounds.max === undefined ? Number.POSITIVE_INFINITY : (parseConfigDuration(bounds.max) ?? Number.POSITIVE_INFINITY);
  const text = z
    .string({
      error: (issue) =>
        typeof issue.input === 'number'
          ? `expected ${DURATION_EXAMPLE}; add a unit to the number ${issue.input}`
          : `expected ${DURATION_EXAMPLE}, found ${describeFound(issue.input)}`,
    })
    .superRefine((value, context) => {
      const milliseconds = parseConfigDuration(value);
      if (milliseconds === undefined) {
        context.addIssue({ code: 'custom', message: `expected ${DURATION_EXAMPLE}, found ${describeFound(value)}` });
      } else if (milliseconds < min) {
        context.addIssue({ code: 'custom', message: `must be at least ${formatConfigDuration(min)}, found ${describeFound(value)}`, params: OUT_OF_RANGE });
      } else if (milliseconds > max) {
        context.addIssue({ code: 'custom', message: `must be at most ${formatConfigDuration(max)}, found ${describeFound(value)}`, params: OUT_OF_RANGE });
      }
    });
  return z.codec(text, z.number().int().nonnegative(), {
    decode: (value) => parseConfigDuration(value) ?? 0,
    encode: (milliseconds) => formatConfigDuration(milliseconds),
  });
}

function nonEmpty(what: string) {
  return z.string().min(1, `expected ${what}, found an empty string`);
}

function refined(check: (value: string) => string | undefined) {
  return z.string().superRefine((value, context) => {
    const message = check(value);
    if (message !== undefined) context.addIssue({ code: 'custom', message });
  });
}

const filePath = nonEmpty('a file path');
const color = z.enum(COLORS);
const colorList = z.array(color);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const clusterSchema = z.strictObject({
  name: withDefault(
    z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'expected 1–32 letters, digits, "-" or "_"'),
    'default',
    'Name of this cluster. Every vManage object Isthmus creates carries it, so several clusters can share one vManage without touching each other’s objects; give each cluster a distinct name.',
  ),
});

const siteRangeSchema = z.strictObject({
  cidr: refined((value) => {
    const result = parseCidr(value);
    return result.ok ? undefined : result.message;
  }).describe('IPv4 or IPv6 prefix of the node addresses at this site, e.g. 10.20.0.0/16. Required.'),
  siteId: z
    .number()
    .int()
    .min(MIN_SITE_ID)
    .max(MAX_SITE_ID)
    .describe(`SD-WAN site-id of the nodes in this range (${MIN_SITE_ID}–${MAX_SITE_ID}). Required.`),
});

const allowedTunnelsSchema = z.strictObject({
  default: colorList
    .optional()
    .describe('Colors every namespace may use unless listed under namespaces. Default: unset, every color is allowed. (The Namespace annotation isthmus.io/allowed-tunnels is the in-cluster way to limit one namespace.)'),
  namespaces: withDefault(
    z.record(z.string().regex(DNS_LABEL, 'expected a namespace name (a DNS label)'), colorList),
    {},
    'Colors allowed per namespace, replacing the default list for that namespace (an empty list allows none).',
  ),
});

const leaderElectionSchema = z
  .strictObject({
    enabled: withDefault(z.boolean(), true, 'Elect one leader among replicas through a Kubernetes Lease; only the leader decides and pushes policy.'),
    leaseName: withDefault(z.string().regex(DNS_LABEL, 'expected a Lease name (a DNS label)'), 'isthmus', 'Name of the Lease.'),
    leaseNamespace: z
      .string()
      .regex(DNS_LABEL, 'expected a namespace name (a DNS label)')
      .optional()
      .describe('Namespace of the Lease. Default: the namespace Isthmus runs in.'),
    leaseDuration: withDefault(duration({ min: '1s' }), '15s', 'How long a lease is valid without renewal; followers wait this long before taking over.'),
    renewDeadline: withDefault(duration({ min: '1s' }), '10s', 'How long the leader keeps retrying to renew before it steps down. Must be shorter than leaseDuration.'),
    retryPeriod: withDefault(duration({ min: '100ms' }), '2s', 'Interval between attempts to acquire or renew. Must be shorter than renewDeadline.'),
  })
  .superRefine((value, context) => {
    if (value.renewDeadline >= value.leaseDuration) {
      context.addIssue({ code: 'custom', path: ['renewDeadline'], message: 'must be shorter than leaseDuration' });
    }
    if (value.retryPeriod >= value.renewDeadline) {
      context.addIssue({ code: 'custom', path: ['retryPeriod'], message: 'must be shorter than renewDeadline' });
    }
  });

const kubernetesSchema = z.strictObject({
  kubeconfig: filePath.optional().describe('Path of a kubeconfig file. Default: unset, the in-cluster service account is used.'),
  siteLabel: withDefault(
    z.string().regex(LABEL_KEY, 'expected a Kubernetes label key such as isthmus.io/site-id'),
    'isthmus.io/site-id',
    'Node label whose value is the SD-WAN site-id of the node.',
  ),
  siteRanges: withDefault(
    z.array(siteRangeSchema),
    [],
    'CIDR → site-id ranges for nodes without the site label, matched against node addresses (the longest prefix wins).',
  ),
  resyncInterval: withDefault(duration({ min: '10s' }), '10m', 'Interval of the full resync that catches drift missed by watches.'),
  allowedTunnels: section(allowedTunnelsSchema, 'Which tunnel colors Services in each namespace may ask for; requests beyond these are clipped, never widened.'),
  leaderElection: section(leaderElectionSchema, 'Leader election among replicas.'),
});

const hubbleTlsSchema = z
  .strictObject({
    enabled: withDefault(z.boolean(), false, 'Connect with TLS (Relay serves plain gRPC unless hubble.relay.tls.server.enabled).'),
    caFile: filePath.optional().describe('CA bundle that signs the server certificate. Default: unset, the system roots.'),
    certFile: filePath.optional().describe('Client certificate for mutual TLS (required by per-node Hubble servers on port 4244). Give keyFile with it. Default: unset, no client certificate.'),
    keyFile: filePath.optional().describe('Private key of the client certificate. Give certFile with it. Default: unset.'),
    serverName: z
      .string()
      .min(1)
      .optional()
      .describe('Name expected in the server certificate, e.g. instance.hubble-relay.cilium.io or *.<cluster>.hubble-grpc.cilium.io. Default: the address host.'),
  })
  .superRefine((value, context) => {
    if ((value.certFile === undefined) !== (value.keyFile === undefined)) {
      const missing = value.certFile === undefined ? 'certFile' : 'keyFile';
      context.addIssue({ code: 'custom', path: [missing], message: 'a client certificate needs both certFile and keyFile' });
    }
  });

const hubbleReconnectSchema = z
  .strictObject({
    minBackoff: withDefault(duration(), '1s', 'First delay before reconnecting after the flow stream breaks; doubles on each failure.'),
    maxBackoff: withDefault(duration(), '30s', 'Upper bound of the reconnect delay.'),
  })
  .superRefine((value, context) => {
    if (value.minBackoff > value.maxBackoff) context.addIssue({ code: 'custom', path: ['maxBackoff'], message: 'must not be shorter than minBackoff' });
  });

const hubbleSchema = z
  .strictObject({
    address: withDefault(
      refined((value) => checkAddress(value, { allowUnix: true })),
      'localhost:4245',
      'Hubble Relay (host:port or [ipv6]:port) or a node’s local socket (unix:///var/run/cilium/hubble.sock).',
    ),
    tls: section(hubbleTlsSchema, 'TLS towards Hubble.'),
    reconnect: section(hubbleReconnectSchema, 'Reconnect backoff of the flow stream.'),
    flowLogFile: filePath
      .optional()
      .describe('Read flows from this JSON-lines file (Hubble’s JSON export) instead of connecting to Hubble. Default: unset. Do not set address with it.'),
  })
  .superRefine((value, context) => {
    if (value.tls.enabled && value.address.startsWith('unix:')) {
      context.addIssue({ code: 'custom', path: ['tls', 'enabled'], message: 'a unix socket address does not use TLS; set tls.enabled to false or use host:port' });
    }
  });

const rateLimitSchema = z.strictObject({
  requestsPerSecond: withDefault(
    z.number().int().min(1).max(100),
    20,
    'Requests per second to non-bulk APIs (vManage allows 100 per second for all clients together).',
  ),
  bulkRequestsPerMinute: withDefault(z.number().int().min(1).max(48), 24, 'Requests per minute to bulk APIs (vManage allows 48).'),
  bulkConcurrency: withDefault(z.number().int().min(1).max(2), 1, 'Bulk statistics requests in flight at once (vManage allows 2).'),
});

const policySchema = z.strictObject({
  bootstrap: withDefault(
    z.boolean(),
    true,
    'Create and activate Isthmus’s own centralized policy when none is active. Isthmus refuses to replace another active policy: set adopt for that.',
  ),
  adopt: nonEmpty('a policy name')
    .optional()
    .describe('Name of an existing, active centralized policy to add Isthmus’s definitions to, instead of activating its own. Default: unset.'),
  vpnIds: withDefault(z.array(z.number().int().min(1).max(65530)).min(1), [1], 'Service VPNs the policy applies in.'),
  minPushInterval: withDefault(duration({ min: '0s' }), '60s', 'Minimum time between two pushes; changes made in between are coalesced into the next one.'),
  activationTimeout: withDefault(
    duration({ min: '1s', max: '1h' }),
    '10m',
    'How long vManage may take to finish activating the policy on the controllers; past it the push fails and the last good policy is restored.',
  ),
});

/** The policy section with every default, for code that builds a vManage configuration by hand. */
export function defaultPolicyConfig(): z.output<typeof policySchema> {
  return policySchema.parse({});
}

const vmanageSchema = z
  .strictObject({
    enabled: withDefault(z.boolean(), true, 'Talk to vManage. When false, Isthmus only observes flows: no tunnel statistics, no policy.'),
    url: refined((value) => checkUrl(value, { schemes: ['https'], loopbackHttp: true }))
      .optional()
      .describe('Base URL of SD-WAN Manager, e.g. https://vmanage.example.com:8443. Required when enabled; plain http only for a loopback host (the simulator).'),
    username: nonEmpty('a user name').optional().describe('User to log in as. Required when enabled.'),
    password: secretRef('Password of the user. Required when enabled.').optional(),
    auth: withDefault(z.enum(['session', 'jwt']), 'session', 'Login: session (JSESSIONID and XSRF token, every release) or jwt (20.18.1 and later).'),
    caFile: filePath.optional().describe('CA bundle that signs the vManage certificate. Default: unset, the system roots.'),
    insecure: withDefault(z.boolean(), false, 'Skip TLS certificate verification. For labs only: anyone on the path can read the password.'),
    requestTimeout: withDefault(duration({ min: '1s', max: '10m' }), '30s', 'Timeout of one HTTP request.'),
    pollInterval: withDefault(
      duration({ min: '10s' }),
      '60s',
      'Interval between tunnel statistics polls. Applies unless pollSchedule is set; do not set both.',
    ),
    pollSchedule: refined((value) => (isValidCron(value) ? undefined : `expected a cron expression such as "*/1 * * * *", found ${describeFound(value)}`))
      .optional()
      .describe('Cron expression (5 or 6 fields) for tunnel statistics polls, replacing pollInterval. Default: unset.'),
    statsSource: withDefault(
      z.enum(['bulk', 'realtime']),
      'bulk',
      'Where tunnel statistics come from: bulk (/data/device/statistics, meant for monitoring) or realtime (per-device queries, CPU-heavy on vManage).',
    ),
    rateLimit: section(rateLimitSchema, 'Client-side rate limits, kept below vManage’s own so Isthmus shares the manager politely.'),
    defaultColor: color
      .optional()
      .describe('The color traffic takes where no Isthmus policy steers it (the fabric’s own routing), for attributing the flows of Services without an assignment. Default: unset (their inter-site flows are labelled color="unknown").'),
    policy: section(policySchema, 'The SD-WAN centralized policy Isthmus owns (named isthmus-<cluster>…) and pushes.'),
  })
  .superRefine((value, context) => {
    if (value.enabled) {
      for (const key of ['url', 'username', 'password'] as const) {
        if (value[key] === undefined) context.addIssue({ code: 'custom', path: [key], message: 'required while vmanage.enabled is true' });
      }
    }
    if (value.insecure && value.caFile !== undefined) {
      context.addIssue({ code: 'custom', path: ['insecure'], message: 'insecure skips verification, so caFile would be ignored; set one of them' });
    }
  });

const optimizerSchema = z.strictObject({
  enabled: withDefault(z.boolean(), true, 'Map Services with SLO annotations to the tunnel color that meets their SLO.'),
  evaluationWindow: withDefault(duration({ min: '10s' }), '5m', 'Window of tunnel samples over which a color is judged.'),
  statistic: withDefault(z.enum(['mean', 'p95', 'max']), 'p95', 'Statistic of the window compared with the SLO bounds.'),
  failuresBeforeMove: withDefault(
    z.number().int().min(1).max(100),
    1,
    'Consecutive failed evaluations before a Service moves off its color (K). The window statistic already holds a bad sample for the whole window, and evaluations repeat every 10 s on the same poll, so a K above 1 mostly delays moves.',
  ),
  holdTime: withDefault(duration({ min: '0s' }), '10m', 'Minimum time a Service stays on a color after a move.'),
  returnMargin: withDefault(
    z.number().min(0).max(1),
    0.1,
    'Headroom (fraction of each SLO bound, 0–1) a preferred color must show before traffic returns to it.',
  ),
  dryRun: withDefault(z.boolean(), false, 'Decide and explain, but never push policy to vManage.'),
});

/** The optimizer section with every default, for code that runs the optimizer without a configuration file (the demo). */
export function defaultOptimizerConfig(): z.output<typeof optimizerSchema> {
  return optimizerSchema.parse({});
}

const otlpSchema = z.strictObject({
  endpoint: refined((value) => checkUrl(value, { schemes: ['http', 'https'] })).describe(
    'OTLP endpoint, e.g. http://otel-collector:4318 (http) or http://otel-collector:4317 (grpc). Required.',
  ),
  protocol: withDefault(z.enum(['http', 'grpc']), 'http', 'OTLP transport: http (protobuf over HTTP) or grpc.'),
  interval: withDefault(duration({ min: '1s' }), '60s', 'Export interval.'),
  headers: withDefault(
    z.record(z.string().regex(HEADER_NAME, 'expected an HTTP header name'), secretRef('Header value.')),
    {},
    'Headers sent with every export (e.g. an API key), each value a secret reference.',
  ),
  caFile: filePath
    .optional()
    .describe('CA bundle that signs the collector certificate (https endpoints). Default: unset, the system roots. The certificate is always verified.'),
}).superRefine((value, context) => {
  if (value.caFile !== undefined && !value.endpoint.startsWith('https:')) {
    context.addIssue({ code: 'custom', path: ['caFile'], message: 'only an https endpoint uses a CA; use https:// in endpoint or remove caFile' });
  }
});

const influxSchema = z
  .strictObject({
    url: refined((value) => checkUrl(value, { schemes: ['http', 'https'] })).describe('InfluxDB base URL, e.g. https://influx.example.com:8086. Required.'),
    database: nonEmpty('a database name').describe('Database (bucket) to write to. Required.'),
    token: secretRef('API token (InfluxDB 2 and 3). Do not combine with username/password. Default: unset.').optional(),
    username: nonEmpty('a user name').optional().describe('User name (InfluxDB 1). Give password with it. Default: unset.'),
    password: secretRef('Password of username (InfluxDB 1). Default: unset.').optional(),
    interval: withDefault(duration({ min: '1s' }), '10s', 'Write interval.'),
  })
  .superRefine((value, context) => {
    if (value.token !== undefined && (value.username !== undefined || value.password !== undefined)) {
      context.addIssue({ code: 'custom', path: ['token'], message: 'use either token or username and password, not both' });
    }
    if ((value.username === undefined) !== (value.password === undefined)) {
      context.addIssue({ code: 'custom', path: [value.username === undefined ? 'username' : 'password'], message: 'username and password go together' });
    }
  });

const telemetrySchema = z.strictObject({
  listen: withDefault(
    refined((value) => checkAddress(value, { allowUnix: false })),
    '0.0.0.0:9464',
    'Address of the HTTP server for /metrics, /healthz, /readyz and /api/v1. All interfaces, so Prometheus and kubelet probes reach the pod; use 127.0.0.1:9464 outside a pod, [::]:9464 on IPv6-only clusters.',
  ),
  otlp: otlpSchema.optional().describe('Export metrics over OTLP. Default: unset, no OTLP export.'),
  influx: influxSchema.optional().describe('Write metrics to InfluxDB. Default: unset, no InfluxDB writes.'),
});

const logSchema = z.strictObject({
  level: withDefault(z.enum(LOG_LEVELS), 'info', 'Log verbosity.'),
  format: withDefault(z.enum(LOG_FORMATS), 'json', 'Log format on stderr: json for machines, pretty for people.'),
});

export const configSchema = z
  .strictObject({
    cluster: section(clusterSchema, 'This cluster.'),
    kubernetes: section(kubernetesSchema, 'Kubernetes API access, site mapping and leader election.'),
    hubble: section(hubbleSchema, 'Where flows come from.'),
    vmanage: section(vmanageSchema, 'Cisco Catalyst SD-WAN Manager (vManage).'),
    optimizer: section(optimizerSchema, 'SLO-aware mapping of Services to tunnel colors.'),
    telemetry: section(telemetrySchema, 'Where metrics go.'),
    log: section(logSchema, 'Logging.'),
    shutdownTimeout: withDefault(
      duration({ min: '1s', max: '10m' }),
      '10s',
      'How long `isthmus run` may take to stop after SIGTERM or SIGINT (stop the Hubble stream, release the Lease, a last OTLP export and InfluxDB write, log out of vManage); past it the process names the step still pending and exits with status 1. Keep it below the pod\'s terminationGracePeriodSeconds.',
    ),
  })
  .describe('Configuration of the Isthmus bridge.');

/** The validated configuration: defaults filled in, durations in milliseconds, secrets still references. */
export type Config = z.output<typeof configSchema>;
/** The configuration as written in a file (durations as text, every field optional where it has a default). */
export type ConfigInput = z.input<typeof configSchema>;
export type ClusterConfig = Config['cluster'];
export type KubernetesConfig = Config['kubernetes'];
export type HubbleConfig = Config['hubble'];
export type VmanageConfig = Config['vmanage'];
export type OptimizerConfig = Config['optimizer'];
export type TelemetryConfig = Config['telemetry'];
export type LogConfig = Config['log'];
