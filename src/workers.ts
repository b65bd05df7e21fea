import { startNetworkWorker } from './features/intelligence/network-job';
import { systemContext } from './platform/context';
import { startWorkers as startPlatformWorkers } from './platform/jobs/workers';
import type { Services } from './services';

/** The platform's workers and the features' scheduled checks. */
export async function startWorkers(services: Services, pollingIntervalSeconds = 2): Promise<void> {
  await startPlatformWorkers(services, pollingIntervalSeconds);
  await services.jobs.work(
    'return-interview.check',
    async (_data, job) => {
      await services.returnInterviews.remindAndEscalate(systemContext(services.clock, `job-${job.id}`));
    },
    pollingIntervalSeconds,
  );
  await services.jobs.schedule('return-interview.check', '*/15 * * * *');
  await services.jobs.work(
    'notice.escalate',
    async (_data, job) => {
      await services.notices.escalateOverdue(systemContext(services.clock, `job-${job.id}`));
    },
    pollingIntervalSeconds,
  );
  await services.jobs.schedule('notice.escalate', '*/5 * * * *');
  await services.jobs.work(
    'alert.escalate',
    async (_data, job) => {
      await services.alerts.escalate(systemContext(services.clock, `job-${job.id}`));
    },
    pollingIntervalSeconds,
  );
  await services.jobs.schedule('alert.escalate', '*/5 * * * *');
  await services.jobs.work(
    'child.turning-18',
    async (_data, job) => {
      await services.atEighteen.alertTurning18(systemContext(services.clock, `job-${job.id}`));
    },
    pollingIntervalSeconds,
  );
  // Daily, early in the working day.
  await services.jobs.schedule('child.turning-18', '0 7 * * *');
  await startNetworkWorker(services, pollingIntervalSeconds);
}
