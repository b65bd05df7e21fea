import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PostcodeRecord {
  latitude: number;
  longitude: number;
  admin_district: string;
  admin_county?: string;
}

/**
 * A postcodes.io-compatible service on loopback, answering from a fixed table: the geocoder's
 * tests talk real HTTP to it and never to the internet. `fail` makes it answer 503.
 */
export async function startPostcodePeer(table: Record<string, PostcodeRecord>) {
  const requests: string[] = [];
  const state = { fail: false };
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const match = /^\/postcodes\/([^/?]+)$/.exec(req.url ?? '');
    const postcode = match?.[1] ? decodeURIComponent(match[1]).toUpperCase() : '';
    res.setHeader('content-type', 'application/json');
    if (state.fail) {
      res.writeHead(503).end(JSON.stringify({ status: 503, error: 'Service unavailable' }));
      return;
    }
    const record = table[postcode];
    if (!record) {
      res.writeHead(404).end(JSON.stringify({ status: 404, error: 'Postcode not found' }));
      return;
    }
    res.writeHead(200).end(
      JSON.stringify({
        status: 200,
        result: {
          postcode,
          latitude: record.latitude,
          longitude: record.longitude,
          codes: {
            admin_district: record.admin_district,
            admin_county: record.admin_county ?? 'E99999999',
          },
        },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
