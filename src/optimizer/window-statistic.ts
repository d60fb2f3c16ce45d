// The window statistic lives in src/domain, where tunnel sources (the vManage collector) compute it
// from their own storage; the optimizer's modules and tests keep importing it from here.
export { windowStatistic } from '../domain/window-statistic.ts';
export type { WindowMeasure, WindowOptions } from '../domain/window-statistic.ts';
