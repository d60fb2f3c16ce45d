/**
 * `npm run soak [-- --minutes N]`: the brownout scenario fast-forwarded with the bridge in-process,
 * pods churning and annotations edited, for N minutes of real time (default 30). A progress line every
 * minute; at the end the report (post-GC heap trend, handles, event-loop delay, the constructors that
 * grew) and exit status 1 when a check fails. Runs under `node --expose-gc`.
 */
import { parseArgs } from 'node:util';
import { bridgeWorkload } from './bridge-workload.ts';
import { soakThresholds } from './soak-thresholds.ts';
import { formatReport, formatSample, runSoak } from './soak-run.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    speed: { type: 'string', default: '30' },
    'sample-seconds': { type: 'string', default: '10' },
    'warmup-minutes': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    [
      'usage: npm run soak -- [--minutes N] [--speed X] [--sample-seconds S] [--warmup-minutes W]',
      '  --minutes         real minutes to run (default 30)',
      '  --speed           simulated time per real time (default 30: 30 minutes are 15 simulated hours)',
      '  --sample-seconds  between samples (default 10)',
      '  --warmup-minutes  before the steady state (default a tenth of the run, at least 1 minute, at most 5)',
      '',
    ].join('\n'),
  );
  process.exit(0);
}

const minutes = Number(values.minutes);
const speed = Number(values.speed);
const sampleSeconds = Number(values['sample-seconds']);
const warmupMinutes = values['warmup-minutes'] === undefined ? Math.min(5, Math.max(1, minutes / 10)) : Number(values['warmup-minutes']);
for (const [name, value] of [['minutes', minutes], ['speed', speed], ['sample-seconds', sampleSeconds], ['warmup-minutes', warmupMinutes]] as const) {
  if (!(value > 0) || !Number.isFinite(value)) {
    process.stderr.write(`soak: --${name} must be a positive number\n`);
    process.exit(2);
  }
}
if (warmupMinutes >= minutes) {
  process.stderr.write('soak: --warmup-minutes must be shorter than --minutes\n');
  process.exit(2);
}

process.stdout.write(`soak: ${minutes} min (warm-up ${warmupMinutes} min) at ${speed}×, a sample every ${sampleSeconds} s; shares the machine's cores, so delays include whatever else runs\n`);
let lastPrintedMinute = -1;
const report = await runSoak(bridgeWorkload({ speed, churnIntervalMs: 5_000, scrapeIntervalMs: 5_000 }), {
  durationMs: minutes * 60_000,
  warmupMs: warmupMinutes * 60_000,
  sampleIntervalMs: sampleSeconds * 1000,
  thresholds: soakThresholds.long,
  onSample: (sample) => {
    const minute = Math.floor(sample.minute);
    if (minute === lastPrintedMinute) return;
    lastPrintedMinute = minute;
    process.stdout.write(`${formatSample(sample)}\n`);
  },
});
process.stdout.write(`${formatReport(report)}\n`);
process.exitCode = report.ok ? 0 : 1;
