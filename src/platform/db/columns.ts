import { customType } from 'drizzle-orm/pg-core';

/** A binary column: PGlite hands back a Uint8Array and pg a Buffer; both arrive as a Buffer. */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});
