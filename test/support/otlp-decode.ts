import protobuf from 'protobufjs';

/*
 * The few OTLP messages a metrics receiver needs (opentelemetry-proto v1: common, resource, metrics,
 * collector/metrics), written out with their real field numbers. Package names do not travel on the wire,
 * so one test package holds them all; fields not listed (exemplars, exponential histograms, summaries)
 * are skipped by the decoder.
 */
const OTLP_METRICS_PROTO = `
syntax = "proto3";
package isthmus.test.otlp;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }

message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; string schema_url = 3; }
message ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; string schema_url = 3; }
message Metric {
  string name = 1;
  string description = 2;
  string unit = 3;
  oneof data { Gauge gauge = 5; Sum sum = 7; Histogram histogram = 9; }
}
enum AggregationTemporality {
  AGGREGATION_TEMPORALITY_UNSPECIFIED = 0;
  AGGREGATION_TEMPORALITY_DELTA = 1;
  AGGREGATION_TEMPORALITY_CUMULATIVE = 2;
}
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum { repeated NumberDataPoint data_points = 1; AggregationTemporality aggregation_temporality = 2; bool is_monotonic = 3; }
message Histogram { repeated HistogramDataPoint data_points = 1; AggregationTemporality aggregation_temporality = 2; }
message NumberDataPoint {
  repeated KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  oneof value { double as_double = 4; sfixed64 as_int = 6; }
  uint32 flags = 8;
}
message HistogramDataPoint {
  repeated KeyValue attributes = 9;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  optional double sum = 5;
  repeated fixed64 bucket_counts = 6;
  repeated double explicit_bounds = 7;
  uint32 flags = 10;
  optional double min = 11;
  optional double max = 12;
}
`;

const requestType = protobuf.parse(OTLP_METRICS_PROTO).root.lookupType('isthmus.test.otlp.ExportMetricsServiceRequest');

export type AttributeValue = string | number | boolean;

export interface ReceivedPoint {
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly startTimeUnixNano: number;
  readonly timeUnixNano: number;
  /** Gauges and sums. */
  readonly value?: number;
  /** Which OTLP field carried the value. */
  readonly valueType?: 'double' | 'int';
  /** Histograms. */
  readonly count?: number;
  readonly sum?: number;
  readonly bucketCounts?: readonly number[];
  readonly explicitBounds?: readonly number[];
}

export interface ReceivedMetric {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly type: 'gauge' | 'sum' | 'histogram';
  readonly monotonic?: boolean;
  readonly temporality?: string;
  readonly points: readonly ReceivedPoint[];
}

export interface ReceivedScope {
  readonly name: string;
  readonly version: string;
  readonly metrics: readonly ReceivedMetric[];
}

export interface ReceivedResourceMetrics {
  readonly resource: Readonly<Record<string, AttributeValue>>;
  readonly scopes: readonly ReceivedScope[];
}

/* What protobuf.js' toObject gives back (longs as numbers, enums as names, defaults filled). */
interface PlainKeyValue {
  key: string;
  value?: { stringValue?: string; boolValue?: boolean; intValue?: number; doubleValue?: number };
}
interface PlainNumberPoint {
  attributes: PlainKeyValue[];
  startTimeUnixNano: number;
  timeUnixNano: number;
  asDouble?: number;
  asInt?: number;
}
interface PlainHistogramPoint {
  attributes: PlainKeyValue[];
  startTimeUnixNano: number;
  timeUnixNano: number;
  count: number;
  sum?: number;
  bucketCounts: number[];
  explicitBounds: number[];
}
interface PlainMetric {
  name: string;
  description: string;
  unit: string;
  gauge?: { dataPoints: PlainNumberPoint[] };
  sum?: { dataPoints: PlainNumberPoint[]; aggregationTemporality: string; isMonotonic: boolean };
  histogram?: { dataPoints: PlainHistogramPoint[]; aggregationTemporality: string };
}
interface PlainRequest {
  resourceMetrics: {
    resource?: { attributes: PlainKeyValue[] };
    scopeMetrics: { scope?: { name: string; version: string }; metrics: PlainMetric[] }[];
  }[];
}

function attributes(list: readonly PlainKeyValue[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const { key, value } of list) {
    const found = value?.stringValue ?? value?.boolValue ?? value?.intValue ?? value?.doubleValue;
    if (found !== undefined) out[key] = found;
  }
  return out;
}

function numberPoint(point: PlainNumberPoint): ReceivedPoint {
  const common = { attributes: attributes(point.attributes), startTimeUnixNano: point.startTimeUnixNano, timeUnixNano: point.timeUnixNano };
  if (point.asInt !== undefined) return { ...common, value: point.asInt, valueType: 'int' };
  return { ...common, value: point.asDouble ?? 0, valueType: 'double' };
}

function metric(plain: PlainMetric): ReceivedMetric {
  const head = { name: plain.name, description: plain.description, unit: plain.unit };
  if (plain.sum) {
    const { sum } = plain;
    return { ...head, type: 'sum', monotonic: sum.isMonotonic, temporality: sum.aggregationTemporality, points: sum.dataPoints.map(numberPoint) };
  }
  if (plain.histogram) {
    return {
      ...head,
      type: 'histogram',
      temporality: plain.histogram.aggregationTemporality,
      points: plain.histogram.dataPoints.map((point) => ({
        attributes: attributes(point.attributes),
        startTimeUnixNano: point.startTimeUnixNano,
        timeUnixNano: point.timeUnixNano,
        count: point.count,
        ...(point.sum === undefined ? {} : { sum: point.sum }),
        bucketCounts: point.bucketCounts,
        explicitBounds: point.explicitBounds,
      })),
    };
  }
  return { ...head, type: 'gauge', points: (plain.gauge?.dataPoints ?? []).map(numberPoint) };
}

function normalise(message: protobuf.Message): ReceivedResourceMetrics[] {
  const plain = requestType.toObject(message, { longs: Number, enums: String, arrays: true, defaults: true, oneofs: false }) as PlainRequest;
  return plain.resourceMetrics.map((entry) => ({
    resource: attributes(entry.resource?.attributes ?? []),
    scopes: entry.scopeMetrics.map((scope) => ({ name: scope.scope?.name ?? '', version: scope.scope?.version ?? '', metrics: scope.metrics.map(metric) })),
  }));
}

/** Decodes an OTLP ExportMetricsServiceRequest in its protobuf encoding (gRPC, OTLP/HTTP protobuf). */
export function decodeOtlpProtobuf(bytes: Uint8Array): ReceivedResourceMetrics[] {
  return normalise(requestType.decode(bytes));
}

/** Decodes an OTLP ExportMetricsServiceRequest in its JSON encoding (OTLP/HTTP JSON: camelCase, int64 as strings). */
export function decodeOtlpJson(text: string): ReceivedResourceMetrics[] {
  return normalise(requestType.fromObject(JSON.parse(text) as Record<string, unknown>));
}
