import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The real Hubble captures in the shared reference folder, which sits beside the repository root (in a
 * checkout and in CI alike): test/hubble/ → ../../../shared.
 */
export const HUBBLE_SAMPLES_DIR = new URL('../../../shared/reference/samples/hubble/', import.meta.url);

/** The exporter's own output (observer.ExportEvent lines); the other files are `hubble observe -o json`. */
export const EXPORTER_SAMPLE = 'export.rst_sample_flowlog_lines.jsonl';

export interface HubbleSampleLine {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly text: string;
  readonly envelope: 'observer.GetFlowsResponse' | 'observer.ExportEvent';
}

/** Every non-empty line of every sample file, in file-name order. */
export function readHubbleSamples(): HubbleSampleLine[] {
  const files = readdirSync(fileURLToPath(HUBBLE_SAMPLES_DIR)).filter((name) => /\.jsonl?$/.test(name)).sort();
  return files.flatMap((file) =>
    readFileSync(new URL(file, HUBBLE_SAMPLES_DIR), 'utf8')
      .split('\n')
      .map((text, index) => ({
        file,
        line: index + 1,
        text,
        envelope: file === EXPORTER_SAMPLE ? ('observer.ExportEvent' as const) : ('observer.GetFlowsResponse' as const),
      }))
      .filter((sample) => sample.text.trim() !== ''),
  );
}
