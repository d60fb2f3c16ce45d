import { afterEach, describe, expect, it } from 'vitest';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startKubeEmulator } from '../../simulator/kube/kube-emulator.ts';
import type { KubeEmulator } from '../../simulator/kube/kube-emulator.ts';
import { nodeObject } from '../../simulator/kube/kube-fixtures.ts';
import { listAllPages } from './list-pages.ts';
import type { FetchPage, ListPage, PageRequest } from './list-pages.ts';

let emulator: KubeEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function withNodes(count: number): Promise<{ server: KubeEmulator; fetch: FetchPage; requests: PageRequest[] }> {
  const server = await startKubeEmulator();
  emulator = server;
  for (let i = 0; i < count; i++) server.store.apply(nodeObject({ name: `node-${String(i).padStart(3, '0')}` }));
  const config = new KubeConfig();
  config.loadFromString(server.kubeconfig());
  const core = config.makeApiClient(CoreV1Api);
  const requests: PageRequest[] = [];
  const fetch: FetchPage = async (request) => {
    requests.push(request);
    const list = await core.listNode({ ...(request.limit === undefined ? {} : { limit: request.limit }), ...(request.continueToken === undefined ? {} : { _continue: request.continueToken }) });
    return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '', continueToken: list.metadata?._continue };
  };
  return { server, fetch, requests };
}

function names(items: readonly unknown[]): string[] {
  return items.map((item) => (item as { metadata?: { name?: string } }).metadata?.name ?? '');
}

describe('listAllPages with @kubernetes/client-node against the emulator', () => {
  it('follows continue tokens until the list is complete, keeping the first page resourceVersion', async () => {
    const { server, fetch, requests } = await withNodes(23);
    const snapshot = String(server.store.resourceVersion);
    const result = await listAllPages(async (request) => {
      const page = await fetch(request);
      // A write between pages changes neither the items nor the resourceVersion of the result.
      server.store.apply(nodeObject({ name: `late-${String(requests.length)}` }));
      return page;
    }, 10);
    expect(result.items).toHaveLength(23);
    expect(new Set(names(result.items)).size).toBe(23);
    expect(names(result.items).every((name) => name.startsWith('node-'))).toBe(true);
    expect(result.resourceVersion).toBe(snapshot);
    expect(requests.map((request) => request.limit)).toEqual([10, 10, 10]);
    expect(requests[0]?.continueToken).toBeUndefined();
    expect(requests.slice(1).every((request) => typeof request.continueToken === 'string')).toBe(true);
  });

  it('lists in one request when the page size is 0, or when everything fits', async () => {
    const { fetch, requests } = await withNodes(5);
    expect((await listAllPages(fetch, 0)).items).toHaveLength(5);
    expect((await listAllPages(fetch, 5)).items).toHaveLength(5);
    expect(requests).toEqual([
      { limit: undefined, continueToken: undefined },
      { limit: 5, continueToken: undefined },
    ]);
  });

  it('lists again in full when the snapshot is compacted between pages (410), losing nothing and inventing nothing', async () => {
    const { server, fetch, requests } = await withNodes(12);
    let pages = 0;
    const result = await listAllPages(async (request) => {
      const page = await fetch(request);
      if (pages++ === 0) {
        server.store.delete('Node', undefined, 'node-000');
        server.store.apply(nodeObject({ name: 'node-999' }));
        server.store.compact();
      }
      return page;
    }, 5);
    expect(requests.map((request) => [request.limit, request.continueToken === undefined])).toEqual([
      [5, true],
      [5, false],
      [undefined, true],
    ]);
    expect(names(result.items)).toEqual(names(server.store.list('Node')));
    expect(names(result.items)).not.toContain('node-000');
    expect(names(result.items)).toContain('node-999');
    expect(result.resourceVersion).toBe(String(server.store.resourceVersion));
  });

  it('throws other failures, and a 410 on the first page, for the informer to retry', async () => {
    const { server, fetch } = await withNodes(3);
    server.faults.failNext(1, 410, { match: { verb: 'list' } });
    await expect(listAllPages(fetch, 2)).rejects.toMatchObject({ code: 410 });
    server.faults.failNext(1, 500, { match: { verb: 'list' } });
    let calls = 0;
    const failing: FetchPage = async (request) => {
      calls++;
      if (calls === 2) server.faults.failNext(1, 500, { match: { verb: 'list' } });
      return fetch(request);
    };
    await expect(listAllPages(fetch, 2)).rejects.toMatchObject({ code: 500 });
    await expect(listAllPages(failing, 2)).rejects.toMatchObject({ code: 500 });
  });

  it('refuses a server that repeats a continue token', async () => {
    const stuck: ListPage = { items: [{}], resourceVersion: '1', continueToken: 'again' };
    await expect(listAllPages(() => Promise.resolve(stuck), 1)).rejects.toThrow(/same continue token/);
  });
});
