import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'drizzle-orm';
import type { WithTransaction } from '../db/transaction';

/** A @fastify/rate-limit store on PostgreSQL: one upsert per counted request. */
export function postgresRateLimitStore(withTransaction: WithTransaction): FastifyRateLimitStoreCtor {
  class PostgresStore implements FastifyRateLimitStore {
    constructor(private readonly prefix = '') {}

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      const fullKey = `${this.prefix}${key}`;
      withTransaction(async (tx) => {
        const result = await tx.execute(sql`
          insert into rate_limit as r (key, hits, window_started_at) values (${fullKey}, 1, clock_timestamp())
          on conflict (key) do update set
            hits = case when r.window_started_at + make_interval(secs => ${timeWindow / 1000}) <= clock_timestamp()
                        then 1 else r.hits + 1 end,
            window_started_at = case when r.window_started_at + make_interval(secs => ${timeWindow / 1000}) <= clock_timestamp()
                        then clock_timestamp() else r.window_started_at end
          returning hits,
            greatest(0, extract(epoch from (window_started_at + make_interval(secs => ${timeWindow / 1000}) - clock_timestamp())) * 1000)::int as ttl`);
        const rows = (result as unknown as { rows: { hits: number; ttl: number }[] }).rows;
        const row = rows[0];
        return { current: Number(row?.hits ?? 1), ttl: Number(row?.ttl ?? timeWindow) };
      }).then(
        (r) => callback(null, r),
        (error: Error) => callback(error),
      );
    }

    child(routeOptions: { path: string; prefix: string; method?: string | string[] }): FastifyRateLimitStore {
      return new PostgresStore(`${this.prefix}${String(routeOptions.method ?? '')}:${routeOptions.path}:`);
    }
  }
  return PostgresStore as unknown as FastifyRateLimitStoreCtor;
}
