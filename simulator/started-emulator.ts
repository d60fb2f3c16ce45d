import type { Clock } from '../src/domain/clock.ts';
import type { LogPort } from '../src/vmanage/log-port.ts';
import type { SimClock } from './world/sim-clock.ts';
import type { World } from './world/world.ts';

/** What every emulator of a simulation is started with. */
export interface SimulationContext {
  readonly world: World;
  /** Simulated time: what the emulated systems believe the time is. */
  readonly clock: SimClock;
  /** Real time: what clients and servers measure capacity in (rate limits, scroll lifetimes). */
  readonly realClock: Clock;
  /** Interface to listen on; loopback. */
  readonly host: string;
  readonly logger: LogPort;
}

/**
 * One running emulator as the simulation composes them: adding one (Hubble, the Kubernetes API) is one
 * start function returning this, and one line in `startSimulation`.
 */
export interface StartedEmulator {
  /** Its key in the info document: `vmanage`, later `hubble`, `kube`. */
  readonly name: string;
  /** What a client needs to connect (address, credentials, settings), JSON-serialisable. */
  readonly info: Readonly<Record<string, unknown>>;
  /** The same for people: lines to print, including a command to try it with. */
  readonly summary: readonly string[];
  close(): Promise<void>;
}
