import { sealAll } from '../audit/audit';
import type { PlatformServices } from '../services';

/** Starts the queue and this process's workers. Every process runs them; pg-boss shares the work out. */
export async function startWorkers(services: PlatformServices, pollingIntervalSeconds = 2): Promise<void> {
  await services.jobs.start();
  await services.jobs.work(
    'mail.send',
    async (data) => {
      await services.mail.deliver(data);
    },
    pollingIntervalSeconds,
  );
  await services.jobs.work(
    'audit.seal',
    async () => {
      await sealAll(services.withTransaction);
    },
    pollingIntervalSeconds,
  );
  // The sealer chains new audit rows every minute; requests never wait on it.
  await services.jobs.schedule('audit.seal', '* * * * *');
}
