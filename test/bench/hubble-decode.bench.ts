/**
 * Hubble flow decoding: the hot-path decoder against the full (protobuf.js) decoder, and the JSON paths
 * of flow-log files, on a corpus built from the real samples in shared/reference/samples/hubble.
 *
 *   node test/bench/run.ts hubble          through the runner
 *   node test/bench/hubble-decode.bench.ts  on its own
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowEventDecoder } from '../../src/hubble/flow-event-decoder.ts';
import { formatFlowJson, parseFlowJson } from '../../src/hubble/flow-json.ts';
import { FlowLogReader } from '../../src/hubble/flow-log-reader.ts';
import { decodeHubble, decodeHubbleMessage } from '../../src/hubble/hubble-codec.ts';
import { hubbleEventFromJson } from '../../src/hubble/hubble-event-from-json.ts';
import { readHubbleSamples } from '../hubble/hubble-samples.ts';
import type { BenchResult } from './bench-result.ts';
import { throughput, timed } from './bench-result.ts';

/** Messages in the corpus, and how many of them are distinct (unique uuid and time, 64 pod names). */
const MESSAGES = 200_000;
const DISTINCT = 4096;

interface Corpus {
  /** One Buffer per message, as grpc-js hands them over. */
  readonly messages: readonly Buffer[];
  readonly lines: readonly string[];
  readonly bytes: number;
}

/** The 12 sample lines varied into DISTINCT flows (uuid, time, pod names), repeated to MESSAGES. */
function buildCorpus(): Corpus {
  const samples = readHubbleSamples();
  const distinct: Buffer[] = [];
  const distinctLines: string[] = [];
  for (let i = 0; i < DISTINCT; i++) {
    const sample = samples[i % samples.length];
    if (sample === undefined) throw new Error('no Hubble samples');
    const line = JSON.parse(sample.text) as { flow: Record<string, unknown> & { source?: { pod_name?: string } } };
    line.flow.uuid = `4c5b3f0e-${(i >>> 16).toString(16).padStart(4, '0')}-4${(i & 0xfff).toString(16).padStart(3, '0')}-8000-${i.toString(16).padStart(12, '0')}`;
    line.flow.time = new Date(Date.UTC(2025, 0, 1) + i).toISOString().replace('Z', '123456Z');
    if (line.flow.source?.pod_name !== undefined) line.flow.source.pod_name += `-${i % 64}`;
    const message = Buffer.from(parseFlowJson(JSON.stringify(line), { envelope: 'observer.ExportEvent' }));
    distinct.push(message);
    distinctLines.push(formatFlowJson(message, { envelope: 'observer.ExportEvent' }));
  }
  // Copies, so that the corpus is MESSAGES separate buffers like a real stream, not DISTINCT hot ones.
  const messages = Array.from({ length: MESSAGES }, (_, i) => Buffer.from(distinct[i % DISTINCT] ?? Buffer.alloc(0)));
  const lines = Array.from({ length: MESSAGES }, (_, i) => distinctLines[i % DISTINCT] ?? '');
  return { messages, lines, bytes: messages.reduce((sum, m) => sum + m.length, 0) };
}

export async function run(): Promise<BenchResult[]> {
  const built = await timed(buildCorpus);
  const { messages, lines, bytes } = built.value;
  const detail = `${MESSAGES.toLocaleString('en-US')} msgs, ${DISTINCT} distinct, avg ${Math.round(bytes / MESSAGES)} B`;
  const results: BenchResult[] = [];
  const record = (name: string, perSecond: number, extra = detail) => {
    results.push({ name, value: perSecond, unit: 'flows/s', detail: extra });
  };

  const decoder = new FlowEventDecoder();
  let sink = 0;
  record(
    'hot path: bytes → domain Flow',
    throughput(() => {
      for (const message of messages) {
        const event = decoder.decode(message);
        if (event.kind === 'flow') sink += event.flow.source.port;
      }
      return messages.length;
    }).perSecond,
  );

  record(
    'full: bytes → protobuf.js message',
    throughput(() => {
      for (const message of messages) decodeHubbleMessage('observer.ExportEvent', message);
      return messages.length;
    }).perSecond,
  );

  record(
    'full: bytes → JSON form → domain Flow',
    throughput(() => {
      for (const message of messages) {
        const event = hubbleEventFromJson(decodeHubble('observer.ExportEvent', message));
        if (event.kind === 'flow') sink += event.flow.source.port;
      }
      return messages.length;
    }).perSecond,
  );

  record(
    'full: bytes → Hubble JSON text (observe -o json)',
    throughput(() => {
      for (const message of messages) sink += formatFlowJson(message, { envelope: 'observer.ExportEvent' }).length;
      return messages.length;
    }).perSecond,
  );

  record(
    'flow log: JSON line → domain Flow',
    throughput(() => {
      for (const line of lines) {
        const event = hubbleEventFromJson(JSON.parse(line));
        if (event.kind === 'flow') sink += event.flow.source.port;
      }
      return lines.length;
    }).perSecond,
    `${detail} (${Math.round(lines.reduce((sum, line) => sum + line.length, 0) / lines.length)} B as JSON)`,
  );

  const directory = mkdtempSync(join(tmpdir(), 'isthmus-bench-'));
  try {
    const path = join(directory, 'events.log');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const file = await timed(async () => {
      let flows = 0;
      for await (const event of new FlowLogReader({ path })) if (event.kind === 'flow') flows++;
      return flows;
    });
    record('flow log: file → FlowLogReader → domain Flow', (file.value / file.ms) * 1000, `${file.value.toLocaleString('en-US')} lines, one pass incl. I/O`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  results.push({ name: 'corpus build (encode + format)', value: built.ms, unit: 'ms', detail: `checksum ${sink % 1000}` });
  return results;
}
