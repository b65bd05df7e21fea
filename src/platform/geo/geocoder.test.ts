import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostcodePeer } from '../../../test/support/postcode-peer';
import { GeocoderUnavailableError, geocoderFor, noGeocoder, PostcodeLookup } from './geocoder';

let peer: Awaited<ReturnType<typeof startPostcodePeer>>;
beforeAll(async () => {
  peer = await startPostcodePeer({
    // A unitary authority: the district is the upper tier.
    'LS1 4DY': { latitude: 53.7997, longitude: -1.5492, admin_district: 'E08000035' },
    // A two-tier area: the county is the upper tier, not the district.
    'CB1 1AA': {
      latitude: 52.2,
      longitude: 0.13,
      admin_district: 'E07000008',
      admin_county: 'E10000003',
    },
  });
});
afterAll(() => peer.close());

describe('the postcode lookup adapter', () => {
  it('finds coordinates and the upper-tier authority, normalising what the user typed', async () => {
    const geocoder = new PostcodeLookup(`${peer.url}/`);
    expect(await geocoder.lookup('ls14dy')).toEqual({
      postcode: 'LS1 4DY',
      latitude: 53.7997,
      longitude: -1.5492,
      localAuthorityCode: 'E08000035',
    });
    expect((await geocoder.lookup('CB1 1AA'))?.localAuthorityCode).toBe('E10000003');
    expect(peer.requests).toContain('/postcodes/LS1%204DY');
  });

  it('answers null for a postcode the service does not know, and for one that cannot exist', async () => {
    const geocoder = new PostcodeLookup(peer.url);
    const before = peer.requests.length;
    expect(await geocoder.lookup('ZZ9 9ZZ')).toBeNull();
    expect(await geocoder.lookup('not a postcode')).toBeNull();
    // An impossible postcode is never sent.
    expect(peer.requests.length).toBe(before + 1);
  });

  it('throws when the service fails or cannot be reached', async () => {
    peer.state.fail = true;
    try {
      await expect(new PostcodeLookup(peer.url).lookup('LS1 4DY')).rejects.toBeInstanceOf(
        GeocoderUnavailableError,
      );
    } finally {
      peer.state.fail = false;
    }
    // A port with nothing listening on it.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(new PostcodeLookup(`http://127.0.0.1:${port}`).lookup('LS1 4DY')).rejects.toBeInstanceOf(
      GeocoderUnavailableError,
    );
  });

  it('is absent unless a service is configured', async () => {
    expect(geocoderFor(undefined)).toBe(noGeocoder);
    expect(noGeocoder.configured).toBe(false);
    expect(await noGeocoder.lookup('LS1 4DY')).toBeNull();
    expect(geocoderFor(peer.url).configured).toBe(true);
  });
});
