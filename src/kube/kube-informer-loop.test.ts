import { describe, expect, it } from 'vitest';
import type { Clock } from '../domain/clock.ts';
import { KUBE_ERROR_CODES } from './kube-error.ts';
import { KubeInformer } from './kube-informer.ts';
import type { InformerEvent, ListResult, WatchPort } from './kube-informer.ts';
import type { Sleep } from '../domain/clock.ts';

type WatchCallback = (phase: string, object: unknown) => void;
type WatchDone = (error: unknown) => void;
/** One scripted watch request: what the "server" does once connected. */
type WatchStep = (callback: WatchCallback, done: WatchDone) => void;

interface Named {
  readonly name: string;
  readonly rv: string;
}

function object(name: string, rv: string): unknown {
  return { metadata: { name, resourceVersion: rv } };
}

class ScriptedWatch implements WatchPort {
  readonly queries: Record<string, string | number | boolean | undefined>[] = [];
  readonly #steps: WatchStep[];
  readonly #fallback: WatchStep;

  constructor(steps: WatchStep[], fallback: WatchStep = () => undefined) {
    this.#steps = steps;
    this.#fallback = fallback;
  }

  watch(_path: string, query: Record<string, string | number | boolean | undefined>, callback: WatchCallback, done: WatchDone): Promise<AbortController> {
    this.queries.push(query);
    const step = this.#steps.shift() ?? this.#fallback;
    const controller = new AbortController();
    setImmediate(() => {
      if (!controller.signal.aborted) step(callback, done);
    });
    return Promise.resolve(controller);
  }
}

function harness(options: { lists: (ListResult | Error)[]; watch: ScriptedWatch; listFallback?: ListResult }): {
  informer: KubeInformer<Named>;
  events: InformerEvent[];
  delays: number[];
  changes: string[];
  listCalls: () => number;
  clock: Clock & { advance: (ms: number) => void };
} {
  let now = 0;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const delays: number[] = [];
  const sleep: Sleep = (ms) => {
    delays.push(ms);
    return new Promise((resolve) => setImmediate(resolve));
  };
  const events: InformerEvent[] = [];
  const changes: string[] = [];
  let calls = 0;
  const informer = new KubeInformer<Named>({
    resource: 'things',
    watchPath: '/api/v1/things',
    watch: options.watch,
    list: () => {
      calls++;
      const next = options.lists.shift() ?? options.listFallback ?? { items: [], resourceVersion: '1' };
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
    convert: (raw) => {
      const metadata = (raw as { metadata?: { name?: string; resourceVersion?: string } }).metadata;
      if (metadata?.name === 'unconvertible') return undefined;
      return { name: metadata?.name ?? '', rv: metadata?.resourceVersion ?? '' };
    },
    clock,
    sleep,
    random: () => 0.5,
    onEvent: (event) => events.push(event),
  });
  informer.subscribe((change) => changes.push(`${change.type} ${change.key}`));
  return { informer, events, delays, changes, listCalls: () => calls, clock };
}

async function eventually(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const expired: WatchStep = (callback, done) => {
  callback('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
  done(null);
};

describe('KubeInformer loop', () => {
  it('re-lists at once on the first 410, and backs off when 410s repeat without progress', async () => {
    const watch = new ScriptedWatch([], expired);
    const { informer, delays, listCalls, events } = harness({ lists: [], watch });
    informer.start();
    await eventually(() => listCalls() >= 5);
    await informer.stop();
    expect(delays.slice(0, 3)).toEqual([750, 1500, 3000]);
    expect(events.flatMap((event) => (event.type === 'listed' ? [event.reason] : []))).toEqual(expect.arrayContaining(['initial', 'expired']) as unknown);
  });

  it('reconnects at once after a healthy watch, backs off after watches that end at once without events', async () => {
    const healthy: WatchStep = (callback, done) => {
      callback('BOOKMARK', object('', '7'));
      done(null);
    };
    const empty: WatchStep = (_callback, done) => {
      done(null);
    };
    const watch = new ScriptedWatch([healthy, empty, empty, healthy, empty]);
    const { informer, delays } = harness({ lists: [], watch });
    informer.start();
    await eventually(() => watch.queries.length >= 6);
    await informer.stop();
    expect(delays).toEqual([750, 1500, 750]);
    expect(watch.queries.map((query) => query.resourceVersion)).toEqual(['1', '7', '7', '7', '7', '7']);
    expect(watch.queries.every((query) => query.allowWatchBookmarks === true && typeof query.timeoutSeconds === 'number')).toBe(true);
  });

  it('treats a watch that stayed open long enough as healthy even without events', async () => {
    const clockHolder: { clock?: { advance: (ms: number) => void } } = {};
    const quiet: WatchStep = (_callback, done) => {
      clockHolder.clock?.advance(30_000);
      done(Object.assign(new Error('idle'), { name: 'TimeoutError' }));
    };
    const watch = new ScriptedWatch([quiet, quiet, quiet]);
    const built = harness({ lists: [], watch });
    clockHolder.clock = built.clock;
    built.informer.start();
    await eventually(() => watch.queries.length >= 4);
    await built.informer.stop();
    expect(built.delays).toEqual([]);
    expect(built.events.flatMap((event) => (event.type === 'watch-ended' ? [event.reason] : []))).toEqual(['timeout', 'timeout', 'timeout']);
  });

  it('retries a watch that ends with a non-410 ERROR event or an HTTP error, from the same resourceVersion', async () => {
    const watch = new ScriptedWatch([
      (callback) => {
        callback('ERROR', { kind: 'Status', code: 500, message: 'etcd unavailable' });
      },
      (_callback, done) => {
        done(Object.assign(new Error('Too Many Requests'), { statusCode: 429 }));
      },
    ]);
    const { informer, events, listCalls } = harness({ lists: [{ items: [object('a', '5')], resourceVersion: '5' }], watch });
    informer.start();
    await eventually(() => watch.queries.length >= 3);
    await informer.stop();
    const retries = events.flatMap((event) => (event.type === 'retrying' ? [[event.operation, event.error.code, event.error.status]] : []));
    expect(retries).toEqual([
      ['watch', KUBE_ERROR_CODES.unavailable, 500],
      ['watch', KUBE_ERROR_CODES.throttled, 429],
    ]);
    expect(listCalls()).toBe(1);
    expect(watch.queries.map((query) => query.resourceVersion)).toEqual(['5', '5', '5']);
  });

  it('ignores replayed ADDED events of objects it already has at the same resourceVersion', async () => {
    const watch = new ScriptedWatch([
      (callback) => {
        callback('ADDED', object('a', '5'));
        callback('ADDED', object('b', '6'));
        callback('MODIFIED', object('a', '7'));
        callback('DELETED', object('b', '8'));
        callback('DELETED', object('never-seen', '9'));
      },
    ]);
    const { informer, changes } = harness({ lists: [{ items: [object('a', '5')], resourceVersion: '' }], watch });
    informer.start();
    await eventually(() => changes.length >= 4);
    await informer.stop();
    expect(changes).toEqual(['added a', 'added b', 'updated a', 'deleted b']);
    expect(informer.get('a')).toEqual({ name: 'a', rv: '7' });
    expect(informer.resourceVersion).toBe('9');
  });

  it('skips objects without a name or that do not convert, and survives a throwing listener', async () => {
    const watch = new ScriptedWatch([]);
    const { informer, events, changes } = harness({
      lists: [{ items: [object('a', '1'), { metadata: {} }, object('unconvertible', '2'), 'junk'], resourceVersion: '3' }],
      watch,
    });
    informer.subscribe(() => {
      throw new Error('listener bug');
    });
    informer.start();
    expect(await informer.whenSynced()).toBe(true);
    await informer.stop();
    expect(informer.keys()).toEqual(['a']);
    expect(changes).toEqual(['added a']);
    expect(events.filter((event) => event.type === 'skipped-object')).toHaveLength(3);
    expect(events.filter((event) => event.type === 'listener-failed')).toHaveLength(1);
  });

  it('classifies list failures: transport errors are unreachable, and retried', async () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    const watch = new ScriptedWatch([]);
    const { informer, events } = harness({ lists: [refused], watch });
    informer.start();
    expect(await informer.whenSynced()).toBe(true);
    await informer.stop();
    const retry = events.find((event) => event.type === 'retrying');
    expect(retry?.type === 'retrying' ? [retry.error.code, retry.error.message, retry.error.retryable] : []).toEqual([
      KUBE_ERROR_CODES.unreachable,
      'list things: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1',
      true,
    ]);
  });

  it('stops promptly while waiting, and resumes from the last resourceVersion when started again', async () => {
    const watch = new ScriptedWatch([]);
    const { informer, listCalls } = harness({ lists: [{ items: [object('a', '4')], resourceVersion: '4' }], watch });
    informer.start();
    await eventually(() => watch.queries.length === 1);
    const started = Date.now();
    await informer.stop();
    expect(Date.now() - started).toBeLessThan(500);
    expect(informer.running).toBe(false);
    informer.start();
    await eventually(() => watch.queries.length === 2);
    await informer.stop();
    expect(listCalls()).toBe(1);
    expect(watch.queries[1]?.resourceVersion).toBe('4');
  });
});
