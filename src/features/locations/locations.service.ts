import { latLngToCell } from 'h3-js';
import type { Tx } from '../../platform/db/client';
import type { Geocoder } from '../../platform/geo/geocoder';
import { type LocationInput, locationInput } from './schemas';
import { location } from './tables';

export interface ResolvedLocation {
  name: string;
  postcode: string | null;
  latitude: number | null;
  longitude: number | null;
  coordinatesSource: 'lookup' | 'user' | null;
  localAuthorityCode: string | null;
}

/**
 * Places, with coordinates from the user or the postcode lookup service. Look-ups happen before
 * the caller's transaction opens, so a slow service never holds the database.
 */
export class LocationsService {
  constructor(private readonly geocoder: Geocoder) {}

  get lookupConfigured(): boolean {
    return this.geocoder.configured;
  }

  /**
   * Checks a place and finds its coordinates: the user's when given, otherwise the lookup
   * service's for the postcode. An unknown postcode or an unavailable service leaves the place
   * without coordinates; it is still recorded.
   */
  async resolve(input: LocationInput): Promise<ResolvedLocation> {
    const v = locationInput.parse(input);
    const base = { name: v.name, postcode: v.postcode ?? null, localAuthorityCode: null };
    if (v.latitude !== undefined && v.longitude !== undefined) {
      return { ...base, latitude: v.latitude, longitude: v.longitude, coordinatesSource: 'user' };
    }
    const facts = v.postcode ? await this.geocoder.lookup(v.postcode).catch(() => null) : null;
    return facts
      ? {
          ...base,
          latitude: facts.latitude,
          longitude: facts.longitude,
          coordinatesSource: 'lookup',
          localAuthorityCode: facts.localAuthorityCode,
        }
      : { ...base, latitude: null, longitude: null, coordinatesSource: null };
  }

  /** Looks a postcode up, for forms that pre-fill coordinates and the host authority. */
  async lookup(postcode: string) {
    return this.geocoder.lookup(postcode).catch(() => null);
  }

  /** Records a resolved place in the caller's transaction. */
  async insert(tx: Tx, place: ResolvedLocation, now: Date): Promise<string> {
    const [row] = await tx
      .insert(location)
      .values({ ...place, h3Cell: h3CellOf(place.latitude, place.longitude), createdAt: now })
      .returning({ id: location.id });
    if (!row) throw new Error('location insert returned nothing');
    return row.id;
  }
}

/** The resolution of the H3 cell stored with each place: about 0.1 km², a few streets. */
export const H3_RESOLUTION = 9;

/** The H3 cell of a position, or null without one. */
export function h3CellOf(latitude: number | null, longitude: number | null): string | null {
  return latitude === null || longitude === null ? null : latLngToCell(latitude, longitude, H3_RESOLUTION);
}
