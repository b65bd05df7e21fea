import { count, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKind, freshDatabase } from '../../../test/support/db';
import { localAuthority, policeForce } from '../agencies/tables';
import type { Database } from './client';
import { migrateDatabase } from './migrate';
import { transactionRunner } from './transaction';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database.close();
});

describe(`database (${databaseKind()})`, () => {
  it('runs on the database the suite was asked for', () => {
    expect(database.kind).toBe(databaseKind());
  });

  it('holds the 175 upper-tier authorities and the 43 police forces, each authority with one force', async () => {
    const withTransaction = transactionRunner(database);
    const [authorities] = await withTransaction((tx) => tx.select({ n: count() }).from(localAuthority));
    const [forces] = await withTransaction((tx) => tx.select({ n: count() }).from(policeForce));
    expect(authorities?.n).toBe(175);
    expect(forces?.n).toBe(43);
  });

  it('returns count(*) as a number on both drivers', async () => {
    const { rows } = await database.raw.query<{ n: unknown }>('select count(*) as n from police_force');
    expect(rows[0]?.n).toBe(43);
  });

  it('is safe to migrate again', async () => {
    await migrateDatabase(database);
    const { rows } = await database.raw.query<{ n: number }>('select count(*) as n from local_authority');
    expect(rows[0]?.n).toBe(175);
  });

  it('rolls back everything in a transaction that throws', async () => {
    const withTransaction = transactionRunner(database);
    await expect(
      withTransaction(async (tx) => {
        await tx.execute(sql`insert into police_force (code, name) values ('X99999999', 'Rolled back')`);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    const { rows } = await database.raw.query<{ n: number }>(
      `select count(*) as n from police_force where code = 'X99999999'`,
    );
    expect(rows[0]?.n).toBe(0);
  });
});
