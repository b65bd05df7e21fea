// For the benchmark: one reporting user per local authority agency, each with an API token, so the
// load can report episodes for children all over the dataset. Prints {agencyId: token} as JSON.
import { eq } from 'drizzle-orm';
import { commandLineContext } from '../src/cli/context';
import { loadConfig } from '../src/config';
import { agency } from '../src/platform/agencies/tables';
import { contextForUser } from '../src/platform/auth/actor';
import { appUser } from '../src/platform/auth/tables';
import { systemClock } from '../src/platform/context';
import { openConfiguredDatabase } from '../src/platform/db/open';
import { createServices } from '../src/services';

const config = loadConfig();
const database = await openConfiguredDatabase(config);
const services = createServices(database, config, systemClock);
const tokens: Record<string, string> = {};
try {
  const agencies = await services.withTransaction((tx) =>
    tx.select().from(agency).where(eq(agency.type, 'local_authority')),
  );
  const admin = commandLineContext(agencies[0]?.id ?? '', ['user:manage', 'agency:manage-all']);
  for (const a of agencies) {
    const email = `bench.${(a.localAuthorityCode ?? a.id).toLowerCase()}@lantern.invalid`;
    let [user] = await services.withTransaction((tx) =>
      tx.select().from(appUser).where(eq(appUser.email, email)),
    );
    if (!user) {
      await services.users.create(admin, {
        name: `Benchmark reporter ${a.localAuthorityCode}`,
        email,
        agencyId: a.id,
        roles: ['social_care_mash_practitioner'],
        password: `bench-${a.id}`,
      });
      [user] = await services.withTransaction((tx) =>
        tx.select().from(appUser).where(eq(appUser.email, email)),
      );
    }
    if (!user) throw new Error(`no benchmark user for ${a.name}`);
    const ctx = contextForUser(user, a, 'bench-token', systemClock);
    tokens[a.id] = (await services.apiTokens.create(ctx, 'benchmark')).token;
  }
} finally {
  await services.jobs.stop().catch(() => undefined);
  services.mailer.close();
  await database.close();
}
process.stdout.write(JSON.stringify(tokens));
