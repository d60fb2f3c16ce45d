import type { Flow } from '../domain/flow.ts';
import type { AggregationStore } from './aggregation-store.ts';
import { correlateFlowInto } from './correlate-flow.ts';
import type { CorrelateOptions } from './correlate-flow.ts';
import { createCorrelationScratch } from './correlated-flow.ts';
import type { CorrelationView } from './correlation-view.ts';
import { KeyInterner } from './key-interner.ts';

const NS_PER_SECOND = 1_000_000_000n;

/**
 * The flow path: correlate each flow into one reused scratch and count it in the store. Nothing per
 * flow allocates in the steady state (keys interned, series existing). Flow time, not a clock, drives
 * the store's rate window and last-seen times, so replayed and live streams aggregate alike; it is
 * taken to the whole second, which is what those need, so that the bigint timestamp is converted once
 * per second of flows rather than once per flow.
 */
export class FlowPipeline {
  readonly #view: CorrelationView;
  readonly #store: AggregationStore;
  readonly #options: CorrelateOptions;
  readonly #scratch = createCorrelationScratch();
  #secondStartNs = 0n;
  #secondEndNs = 0n;
  #secondMs = 0;

  constructor(view: CorrelationView, store: AggregationStore, options: Omit<CorrelateOptions, 'keys'> = {}) {
    this.#view = view;
    this.#store = store;
    this.#options = { defaultColor: options.defaultColor, keys: new KeyInterner() };
  }

  push(flow: Flow): void {
    const reason = correlateFlowInto(flow, this.#view, this.#scratch, this.#options);
    if (reason === undefined) this.#store.recordCorrelated(this.#scratch, this.#secondOf(flow.timeNs));
    else this.#store.recordUnresolved(reason, this.#scratch.conflict);
  }

  /** Epoch ms of the start of the second `timeNs` falls in; bigint comparisons only, while in the same second. */
  #secondOf(timeNs: bigint): number {
    if (timeNs >= this.#secondStartNs && timeNs < this.#secondEndNs) return this.#secondMs;
    const startNs = timeNs - (((timeNs % NS_PER_SECOND) + NS_PER_SECOND) % NS_PER_SECOND);
    this.#secondStartNs = startNs;
    this.#secondEndNs = startNs + NS_PER_SECOND;
    this.#secondMs = Number(startNs / 1_000_000n);
    return this.#secondMs;
  }
}
