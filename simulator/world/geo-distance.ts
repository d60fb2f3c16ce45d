import type { GeoLocation } from './scenario.ts';

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance in kilometres (haversine); 0 when either place is unknown. */
export function geoDistanceKm(a: GeoLocation | undefined, b: GeoLocation | undefined): number {
  if (a === undefined || b === undefined) return 0;
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
