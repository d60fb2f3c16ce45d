import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

/**
 * The Observer RPCs the bridge and the emulator speak, as gRPC paths (`/package.Service/Method`). Both
 * sides carry raw protobuf bytes through gRPC and do the protobuf work themselves with the Hubble codecs:
 * the client decodes GetFlows responses on its hot path, the emulator encodes from the world.
 */
export const OBSERVER_METHODS = {
  getFlows: '/observer.Observer/GetFlows',
  serverStatus: '/observer.Observer/ServerStatus',
  getNodes: '/observer.Observer/GetNodes',
} as const;

/** Bytes in, bytes out. */
export const passBytes = (bytes: Buffer): Buffer => bytes;

function method(path: string, responseStream: boolean, originalName: string): MethodDefinition<Buffer, Buffer> {
  return {
    path,
    requestStream: false,
    responseStream,
    requestSerialize: passBytes,
    requestDeserialize: passBytes,
    responseSerialize: passBytes,
    responseDeserialize: passBytes,
    originalName,
  };
}

/** `observer.Observer` as grpc-js serves it (`Server.addService`), restricted to the RPCs implemented here. */
export const OBSERVER_SERVICE: ServiceDefinition = {
  GetFlows: method(OBSERVER_METHODS.getFlows, true, 'getFlows'),
  ServerStatus: method(OBSERVER_METHODS.serverStatus, false, 'serverStatus'),
  GetNodes: method(OBSERVER_METHODS.getNodes, false, 'getNodes'),
};
