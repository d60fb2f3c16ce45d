/**
 * The identity a replica campaigns under: the pod name (POD_NAME, from the downward API, else the
 * hostname, which is the pod name in a cluster) plus a random suffix, so that a restarted container of
 * the same pod — or two bridges in one process in tests — never mistakes the other's lease for its own.
 */
export function leaseIdentity(env: Readonly<Record<string, string | undefined>>, hostname: string, random: () => number = Math.random): string {
  const pod = env.POD_NAME !== undefined && env.POD_NAME !== '' ? env.POD_NAME : hostname;
  const suffix = Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `${pod}_${suffix}`;
}
