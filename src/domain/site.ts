/** An SD-WAN site: one or more edge devices sharing a site-id (1–4294967295). */
export type SiteId = number;

export interface Site {
  readonly id: SiteId;
  readonly name: string;
}

export const MIN_SITE_ID = 1;
export const MAX_SITE_ID = 4_294_967_295;

export function isValidSiteId(value: number): value is SiteId {
  return Number.isInteger(value) && value >= MIN_SITE_ID && value <= MAX_SITE_ID;
}
