import { sql } from 'drizzle-orm';

/**
 * A list of fixed codes as SQL literals, for CHECK constraints: `'a', 'b', 'c'`. Only for the
 * code's own constants, never for anything a user typed.
 */
export const sqlList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));
