/** A backend of a Service: one pod address from an EndpointSlice. */
export interface Endpoint {
  readonly ip: string;
  readonly ready: boolean;
  readonly podName: string | undefined;
  readonly namespace: string;
  readonly nodeName: string | undefined;
}
