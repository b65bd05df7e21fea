import type { Config } from './config';
import { ChildrenService } from './features/children/children.service';
import { EpisodesService } from './features/episodes/episodes.service';
import { ReturnInterviewsService } from './features/return-interviews/return-interviews.service';
import type { Clock } from './platform/context';
import type { Database } from './platform/db/client';
import { createPlatformServices, type PlatformServices } from './platform/services';

/** Every service of the hub: the platform's and each feature's. The composition root. */
export interface Services extends PlatformServices {
  children: ChildrenService;
  episodes: EpisodesService;
  returnInterviews: ReturnInterviewsService;
}

export function createServices(database: Database, config: Config, clock: Clock): Services {
  const platform = createPlatformServices(database, config, clock);
  return {
    ...platform,
    children: new ChildrenService(platform.withTransaction),
    episodes: new EpisodesService(platform.withTransaction),
    returnInterviews: new ReturnInterviewsService(platform.withTransaction),
  };
}
