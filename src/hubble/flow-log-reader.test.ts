import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readlinkSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXPORTER_SAMPLE, HUBBLE_SAMPLES_DIR, readHubbleSamples } from '../../test/hubble/hubble-samples.ts';
import { FlowLogReader } from './flow-log-reader.ts';
import type { FlowLogProblem, FlowLogReaderOptions, FlowLogSleep } from './flow-log-reader.ts';
import type { HubbleEvent } from './hubble-event.ts';
import { hubbleEventFromJson } from './hubble-event-from-json.ts';

const samples = readHubbleSamples();
const line = (i: number) => `${samples[i % samples.length]?.text ?? ''}\n`;
const flowLine = (uuid: string) => `${JSON.stringify({ flow: { uuid, verdict: 'FORWARDED' }, node_name: 'n' })}\n`;

let dir = '';
let path = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'isthmus-flow-log-'));
  path = join(dir, 'events.log');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  readonly events: HubbleEvent[];
  readonly problems: FlowLogProblem[];
  readonly reader: FlowLogReader;
}

/**
 * Follows the file; every time the reader is at the end and would wait, the next step runs (append,
 * rotate, truncate…). After the last step the run is aborted, so the test is deterministic and fast.
 */
async function follow(steps: (() => void)[], options: Partial<FlowLogReaderOptions> = {}): Promise<Run> {
  const controller = new AbortController();
  const queue = [...steps];
  const sleep: FlowLogSleep = async () => {
    await Promise.resolve();
    const step = queue.shift();
    if (step === undefined) controller.abort();
    else step();
  };
  return collect({ path, follow: true, sleep, signal: controller.signal, ...options });
}

async function collect(options: FlowLogReaderOptions): Promise<Run> {
  const problems: FlowLogProblem[] = [];
  const reader = new FlowLogReader({ onProblem: (p) => problems.push(p), ...options });
  const events: HubbleEvent[] = [];
  for await (const event of reader) events.push(event);
  return { events, problems, reader };
}

/** File descriptors of this process open on `file` (Linux). */
function openHandles(file: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

const uuids = (events: HubbleEvent[]) => events.map((e) => (e.kind === 'flow' ? e.flow.uuid : e.kind));

describe('FlowLogReader', () => {
  it('reads the exporter’s sample file into the same events as the JSON mapper', async () => {
    const file = new URL(EXPORTER_SAMPLE, HUBBLE_SAMPLES_DIR).pathname;
    const { events, reader } = await collect({ path: file });
    const expected = samples.filter((s) => s.file === EXPORTER_SAMPLE).map((s) => hubbleEventFromJson(JSON.parse(s.text)));
    expect(events).toEqual(expected);
    expect(reader.counters).toMatchObject({ lines: 2, flows: 2, malformed: 0 });
  });

  it('reads `hubble observe -o json` output and legacy bare-flow lines, with CRLF endings', async () => {
    const bare = JSON.stringify({ time: '2021-10-04T14:28:38.735173594Z', verdict: 'FORWARDED', node_name: 'node-a', uuid: 'legacy' });
    writeFileSync(path, `${line(2).trimEnd()}\r\n${bare}\r\n`);
    const { events, reader } = await collect({ path });
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ kind: 'flow', nodeName: 'node-a', flow: { uuid: 'legacy', verdict: 'FORWARDED' } });
    expect(reader.counters).toMatchObject({ flows: 2, malformed: 0 });
  });

  it('counts and reports malformed lines with file and line number, and goes on', async () => {
    writeFileSync(
      path,
      [
        flowLine('a'),
        'not json at all\n',
        '{"flow":5}\n',
        '[1,2]\n',
        '\n',
        `{"flow":{"uuid":"${'x'.repeat(300)}"}}\n`,
        '{"flow":{"time":"yesterday"}}\n',
        flowLine('b'),
        '{"flow":{"uuid":"unterminated',
      ].join(''),
    );
    const { events, problems, reader } = await collect({ path, maxLineBytes: 200 });
    expect(uuids(events)).toEqual(['a', 'b']);
    expect(problems.map((p) => [p.file, p.line])).toEqual([
      [path, 2],
      [path, 3],
      [path, 4],
      [path, 6],
      [path, 7],
      [path, 9],
    ]);
    expect(problems[0]?.reason).toMatch(/^not JSON/);
    expect(problems[1]).toMatchObject({ reason: 'flow is not an object', excerpt: '{"flow":5}' });
    expect(problems[3]?.reason).toBe('longer than 200 bytes');
    expect(problems[4]?.reason).toMatch(/RFC 3339/);
    expect(reader.counters).toMatchObject({ lines: 9, flows: 2, blank: 1, malformed: 6 });
  });

  it('yields lost events and node status, and only counts agent, debug and unknown events', async () => {
    writeFileSync(
      path,
      [
        '{"lost_events":{"source":"HUBBLE_RING_BUFFER","num_events_lost":"7"},"node_name":"n","time":"2025-01-01T00:00:00Z"}\n',
        '{"node_status":{"state_change":"NODE_UNAVAILABLE","node_names":["n2"]}}\n',
        '{"agent_event":{"type":"AGENT_STARTED"},"node_name":"n"}\n',
        '{"debug_event":{"type":"DBG_GENERIC"}}\n',
        '{"node_name":"n","time":"2025-01-01T00:00:00Z"}\n',
        flowLine('f'),
      ].join(''),
    );
    const { events, reader } = await collect({ path });
    expect(uuids(events)).toEqual(['lost_events', 'node_status', 'f']);
    expect(events[0]).toMatchObject({ source: 'HUBBLE_RING_BUFFER', numEventsLost: 7, nodeName: 'n' });
    expect(reader.counters).toMatchObject({ lines: 6, flows: 1, lostEvents: 1, nodeStatus: 1, agentEvents: 1, debugEvents: 1, unknown: 1, malformed: 0 });
  });

  it('fails with a typed error when the file is missing and not followed', async () => {
    await expect(collect({ path })).rejects.toMatchObject({ code: 'ISTHMUS_E_HUBBLE_FLOW_LOG' });
    await expect(collect({ path: dir })).rejects.toMatchObject({ code: 'ISTHMUS_E_HUBBLE_FLOW_LOG', message: /not a file/ });
  });

  describe('following', () => {
    it('waits for a file that does not exist yet', async () => {
      const { events } = await follow([
        () => undefined,
        () => {
          writeFileSync(path, flowLine('first'));
        },
        () => {
          appendFileSync(path, flowLine('second'));
        },
      ]);
      expect(uuids(events)).toEqual(['first', 'second']);
    });

    it('waits for the rest of a line the writer has not finished', async () => {
      const whole = flowLine('split');
      writeFileSync(path, flowLine('a') + whole.slice(0, 20));
      const { events, reader } = await follow([
        () => {
          appendFileSync(path, whole.slice(20, 30));
        },
        () => {
          appendFileSync(path, whole.slice(30));
        },
      ]);
      expect(uuids(events)).toEqual(['a', 'split']);
      expect(reader.counters.malformed).toBe(0);
    });

    it('follows rotation by rename to the new file, from its start, with line numbers restarting', async () => {
      writeFileSync(path, flowLine('old-1'));
      const { events, problems, reader } = await follow([
        () => {
          appendFileSync(path, flowLine('old-2'));
        },
        () => {
          renameSync(path, `${path}.1`);
          appendFileSync(`${path}.1`, flowLine('old-3')); // written just before the writer switched
          writeFileSync(path, `broken\n${flowLine('new-1')}`);
        },
        () => {
          appendFileSync(path, flowLine('new-2'));
        },
      ]);
      expect(uuids(events)).toEqual(['old-1', 'old-2', 'old-3', 'new-1', 'new-2']);
      expect(problems).toEqual([expect.objectContaining({ file: path, line: 1 })]);
      expect(reader.counters.rotations).toBe(1);
    });

    it('keeps reading the old file while the path is gone, then moves to the new one', async () => {
      writeFileSync(path, flowLine('old'));
      const { events, reader } = await follow([
        () => {
          renameSync(path, `${path}.1`);
        },
        () => {
          appendFileSync(`${path}.1`, flowLine('late'));
        },
        () => undefined,
        () => {
          writeFileSync(path, flowLine('new'));
        },
      ]);
      expect(uuids(events)).toEqual(['old', 'late', 'new']);
      expect(reader.counters.rotations).toBe(1);
    });

    it('starts over when the file is truncated in place (copytruncate)', async () => {
      writeFileSync(path, flowLine('before-1') + flowLine('before-2'));
      const { events, reader } = await follow([
        () => {
          copyFileSync(path, `${path}.1`);
          truncateSync(path, 0);
        },
        () => {
          appendFileSync(path, flowLine('after'));
        },
      ]);
      expect(uuids(events)).toEqual(['before-1', 'before-2', 'after']);
      expect(reader.counters.truncations).toBe(1);
    });

    it('reads only new lines with from: end', async () => {
      writeFileSync(path, flowLine('history'));
      const append = () => {
        appendFileSync(path, flowLine('new'));
      };
      const { events } = await follow([append], { from: 'end' });
      expect(uuids(events)).toEqual(['new']);
    });

    it('stops on abort, also while waiting for the file, with real timers', async () => {
      const controller = new AbortController();
      const reader = new FlowLogReader({ path, follow: true, pollIntervalMs: 5, signal: controller.signal });
      const seen: HubbleEvent[] = [];
      const done = (async () => {
        for await (const event of reader) {
          seen.push(event);
          if (seen.length === 2) controller.abort();
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 20));
      writeFileSync(path, flowLine('1'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      renameSync(path, `${path}.1`);
      writeFileSync(path, flowLine('2') + flowLine('3'));
      await done;
      expect(uuids(seen)).toEqual(['1', '2']);
    });

    it.runIf(existsSync('/proc/self/fd'))('closes the file when the consumer stops early', async () => {
      writeFileSync(path, flowLine('a') + flowLine('b'));
      const reader = new FlowLogReader({ path, follow: true, sleep: () => Promise.resolve() });
      for await (const event of reader) {
        expect(event.kind).toBe('flow');
        expect(openHandles(path)).toBe(1);
        break;
      }
      expect(openHandles(path)).toBe(0);
      expect(reader.counters.flows).toBe(1);
    });

    it('reads many lines across small chunks', async () => {
      const count = 2000;
      writeFileSync(path, Array.from({ length: count }, (_, i) => line(i)).join(''));
      const { events, reader } = await follow([], { chunkBytes: 333 });
      expect(events).toHaveLength(count);
      expect(reader.counters).toMatchObject({ lines: count, flows: count, malformed: 0 });
    });
  });

  describe('entries', () => {
    it('gives each event with its line, unterminated last line included', async () => {
      writeFileSync(path, `${flowLine('a')}not json\n${flowLine('b').trimEnd()}`);
      const entries = [];
      for await (const entry of new FlowLogReader({ path, onProblem: () => undefined }).entries()) entries.push(entry);
      expect(entries.map((entry) => entry.text)).toEqual([flowLine('a').trimEnd(), flowLine('b').trimEnd()]);
      expect(entries.map((entry) => entry.event.kind)).toEqual(['flow', 'flow']);
    });

    it('starts at a byte offset: where an earlier read ended', async () => {
      writeFileSync(path, flowLine('a') + flowLine('b'));
      const first = await collect({ path });
      appendFileSync(path, flowLine('c'));
      const rest = await collect({ path, from: first.reader.counters.bytes });
      expect(uuids(rest.events)).toEqual(['c']);
      // An offset past the end (the file was replaced by a shorter one) reads from the start.
      expect(uuids((await collect({ path, from: 1_000_000 })).events)).toEqual(['a', 'b', 'c']);
    });
  });
});
