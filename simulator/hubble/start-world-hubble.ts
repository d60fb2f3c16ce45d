import type { SimulationContext, StartedEmulator } from '../started-emulator.ts';
import { startHubbleEmulator } from './hubble-emulator.ts';
import type { HubbleEmulator, HubbleEmulatorOptions } from './hubble-emulator.ts';

export interface WorldHubbleOptions {
  /** Default 0: any free port. */
  readonly port?: number;
  /** Ring buffer slots per node. Default 4095, Hubble's default. */
  readonly ringCapacity?: number;
  /** Any other emulator setting (prefill, events queue, TLS, …). */
  readonly emulator?: Partial<Omit<HubbleEmulatorOptions, 'world' | 'clock' | 'host' | 'port' | 'ringCapacity'>>;
}

/** The Hubble emulator of a running simulation. */
export interface WorldHubble extends StartedEmulator {
  readonly name: 'hubble';
  /** What a client dials: `127.0.0.1:PORT`. */
  readonly address: string;
  readonly emulator: HubbleEmulator;
}

/**
 * Serves the world's traffic as Hubble Relay on loopback: GetFlows, ServerStatus and GetNodes over gRPC,
 * flows appearing as simulated time reaches them, each node with its own ring buffer.
 */
export async function startWorldHubble(context: SimulationContext, options: WorldHubbleOptions = {}): Promise<WorldHubble> {
  const emulator = await startHubbleEmulator({
    ...options.emulator,
    world: context.world,
    clock: context.clock,
    host: context.host,
    port: options.port ?? 0,
    ...(options.ringCapacity === undefined ? {} : { ringCapacity: options.ringCapacity }),
    logger: options.emulator?.logger ?? context.logger,
  });
  const rings = emulator.observer.rings;
  const capacity = rings[0]?.capacity ?? 0;
  const scheme = emulator.mtls ? 'mTLS' : emulator.tls ? 'TLS' : 'plaintext';
  return {
    name: 'hubble',
    address: emulator.address,
    emulator,
    info: { address: emulator.address, tls: emulator.tls, mtls: emulator.mtls, nodes: rings.map((ring) => ring.name), ringCapacity: capacity },
    summary: [
      `Hubble       ${emulator.address}   Relay, ${scheme}`,
      `             ${rings.length} nodes, ring buffers of ${capacity} flows per node; flows follow simulated time`,
      `  try:       isthmus observe --hubble ${emulator.address} --last 20`,
      `             isthmus observe --hubble ${emulator.address} --follow --verdict DROPPED`,
    ],
    close: () => emulator.close(),
  };
}
