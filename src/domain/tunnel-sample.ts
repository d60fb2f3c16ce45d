export type TunnelState = 'up' | 'down';

/**
 * One measurement of a tunnel, in base units: seconds and ratios (vManage reports milliseconds and
 * percent; adapters convert at the edge).
 */
export interface TunnelSample {
  /** Epoch milliseconds at the end of the measurement interval. */
  readonly time: number;
  readonly latencySeconds: number;
  readonly jitterSeconds: number;
  /** 0..1 */
  readonly lossRatio: number;
  readonly state: TunnelState;
}
