import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  // Every area keeps its tables in its own tables.ts.
  schema: ['./src/platform/**/tables.ts', './src/features/**/tables.ts'],
  out: './db/migrations',
});
