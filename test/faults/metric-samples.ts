/** One series of a Prometheus text exposition. */
export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * A scrape of /metrics, parsed just enough for fault tests: series by name and labels. `sum` adds the
 * series whose labels include the given ones (a counter over all its endpoints, say); a metric with no
 * such series sums to 0, so "it moved" reads as `after > before` whether or not it existed before.
 */
export class MetricSamples {
  readonly text: string;
  readonly samples: readonly MetricSample[];

  constructor(text: string) {
    this.text = text;
    const samples: MetricSample[] = [];
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const match = SAMPLE_LINE.exec(line);
      if (match === null) continue;
      const [, name = '', labelText = '', value = ''] = match;
      const labels: Record<string, string> = {};
      for (const pair of labelText.matchAll(LABEL_PAIR)) labels[pair[1] ?? ''] = (pair[2] ?? '').replace(/\\(.)/g, (_escape, character: string) => (character === 'n' ? '\n' : character));
      samples.push({ name, labels, value: Number(value) });
    }
    this.samples = samples;
  }

  /** The series of `name` whose labels include `labels`. */
  series(name: string, labels: Readonly<Record<string, string>> = {}): MetricSample[] {
    return this.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  }

  sum(name: string, labels: Readonly<Record<string, string>> = {}): number {
    return this.series(name, labels).reduce((total, sample) => total + sample.value, 0);
  }

  /** The sum over series whose `label` matches `pattern` (status codes 5xx, say). */
  sumWhere(name: string, label: string, pattern: RegExp): number {
    return this.series(name)
      .filter((sample) => pattern.test(sample.labels[label] ?? ''))
      .reduce((total, sample) => total + sample.value, 0);
  }
}
