import { isValid, toNormalised } from 'postcode';

export interface PostcodeFacts {
  postcode: string;
  latitude: number;
  longitude: number;
  /**
   * The upper-tier local authority (county, unitary, metropolitan or London borough, Welsh
   * principal area), when the service gives one.
   */
  localAuthorityCode: string | null;
}

/** Turns a postcode into coordinates. `configured` is false when the hub has no lookup service. */
export interface Geocoder {
  readonly configured: boolean;
  /** The facts of a postcode, or null when the service does not know it. Throws when unavailable. */
  lookup(postcode: string): Promise<PostcodeFacts | null>;
}

export class GeocoderUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The postcode lookup service did not answer', { cause });
  }
}

/** With no lookup service, users enter coordinates themselves. */
export const noGeocoder: Geocoder = {
  configured: false,
  lookup: async () => null,
};

const NO_CODE = /^[EWSN]99999999$/;

interface PostcodesIoResult {
  postcode?: string;
  latitude?: number | null;
  longitude?: number | null;
  codes?: { admin_district?: string; admin_county?: string };
}

/**
 * A postcodes.io-compatible lookup (`GET {base}/postcodes/{postcode}`), such as a self-hosted
 * postcodes.io loaded with the ONS Postcode Directory. The upper-tier authority is the county
 * where there is one, otherwise the district (a unitary authority).
 */
export class PostcodeLookup implements Geocoder {
  readonly configured = true;

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 3000,
  ) {}

  async lookup(postcode: string): Promise<PostcodeFacts | null> {
    if (!isValid(postcode)) return null;
    const normalised = toNormalised(postcode) ?? postcode;
    const url = `${this.baseUrl.replace(/\/+$/, '')}/postcodes/${encodeURIComponent(normalised)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new GeocoderUnavailableError(error);
    }
    if (response.status === 404) return null;
    if (!response.ok) throw new GeocoderUnavailableError(new Error(`HTTP ${response.status}`));
    let body: { result?: PostcodesIoResult };
    try {
      body = (await response.json()) as { result?: PostcodesIoResult };
    } catch (error) {
      throw new GeocoderUnavailableError(error);
    }
    const r = body.result;
    if (!r || typeof r.latitude !== 'number' || typeof r.longitude !== 'number') return null;
    const county = r.codes?.admin_county;
    const district = r.codes?.admin_district;
    const upper =
      county && !NO_CODE.test(county) ? county : district && !NO_CODE.test(district) ? district : null;
    return {
      postcode: r.postcode ?? normalised,
      latitude: r.latitude,
      longitude: r.longitude,
      localAuthorityCode: upper,
    };
  }
}

export function geocoderFor(url: string | undefined): Geocoder {
  return url ? new PostcodeLookup(url) : noGeocoder;
}
