import type { Config } from './config';
import { AdvocacyService } from './features/advocacy/advocacy.service';
import { AlertsService } from './features/alerts/alerts.service';
import { ConcernsService } from './features/alerts/concerns.service';
import { AllocationService } from './features/allocation/allocation.service';
import { AtEighteenService } from './features/children/at-18.service';
import { ChildrenService } from './features/children/children.service';
import { ChronologyService } from './features/chronology/chronology.service';
import { EpisodesService } from './features/episodes/episodes.service';
import { FlagsService } from './features/episodes/flags.service';
import { HomesService } from './features/homes/homes.service';
import { EvidenceService } from './features/intelligence/evidence.service';
import { HotspotsService } from './features/intelligence/hotspots.service';
import { IntelligenceService } from './features/intelligence/intelligence.service';
import { NetworksService } from './features/intelligence/networks.service';
import { PatternsService } from './features/intelligence/patterns.service';
import { ResolutionService } from './features/intelligence/resolution.service';
import { WarningNoticesService } from './features/intelligence/warning-notices.service';
import { JusticeService } from './features/justice/justice.service';
import { LocationsService } from './features/locations/locations.service';
import { NoticesService } from './features/notices/notices.service';
import { StrategyDiscussionsService } from './features/notices/strategy-discussions.service';
import { ThresholdsService } from './features/notices/thresholds';
import { PlacementsService } from './features/placements/placements.service';
import { ProfilesService } from './features/profiles/profiles.service';
import { AnnexAService } from './features/reports/annex-a';
import { CareEpisodesService } from './features/reports/care-episodes.service';
import { ImportService } from './features/reports/import.service';
import { RowsService } from './features/reports/rows.service';
import { Ssda903Service } from './features/reports/ssda903.service';
import { RetentionService } from './features/retention/retention.service';
import { ReturnInterviewsService } from './features/return-interviews/return-interviews.service';
import { ScreeningService } from './features/screening/screening.service';
import { SharingService } from './features/sharing/sharing.service';
import { SightingsService } from './features/sightings/sightings.service';
import { SubgroupService } from './features/subgroup/subgroup.service';
import { SubjectAccessService } from './features/subject-access/subject-access.service';
import { TrainingService } from './features/training/training.service';
import type { Clock } from './platform/context';
import type { Database } from './platform/db/client';
import { createPlatformServices, type PlatformServices } from './platform/services';

/** Every service of the hub: the platform's and each feature's. The composition root. */
export interface Services extends PlatformServices {
  advocacy: AdvocacyService;
  alerts: AlertsService;
  allocation: AllocationService;
  careEpisodes: CareEpisodesService;
  ssda903: Ssda903Service;
  annexA: AnnexAService;
  atEighteen: AtEighteenService;
  concerns: ConcernsService;
  children: ChildrenService;
  chronology: ChronologyService;
  episodes: EpisodesService;
  flags: FlagsService;
  homes: HomesService;
  intelligence: IntelligenceService;
  networks: NetworksService;
  hotspots: HotspotsService;
  warningNotices: WarningNoticesService;
  justice: JusticeService;
  evidence: EvidenceService;
  patterns: PatternsService;
  resolution: ResolutionService;
  locations: LocationsService;
  notices: NoticesService;
  placements: PlacementsService;
  strategyDiscussions: StrategyDiscussionsService;
  profiles: ProfilesService;
  imports: ImportService;
  rows: RowsService;
  screening: ScreeningService;
  sharing: SharingService;
  sightings: SightingsService;
  subjectAccess: SubjectAccessService;
  subgroups: SubgroupService;
  thresholds: ThresholdsService;
  returnInterviews: ReturnInterviewsService;
  retention: RetentionService;
  training: TrainingService;
}

export function createServices(database: Database, config: Config, clock: Clock): Services {
  const platform = createPlatformServices(database, config, clock);
  const alerts = new AlertsService(platform.withTransaction, platform.mail, config);
  const locations = new LocationsService(platform.geocoder);
  const placements = new PlacementsService(
    platform.withTransaction,
    config.outOfAreaMiles,
    locations,
    alerts,
  );
  const notices = new NoticesService(platform.withTransaction, alerts, placements);
  const concerns = new ConcernsService(platform.withTransaction, alerts, placements, notices);
  const episodes = new EpisodesService(platform.withTransaction, alerts, placements, locations);
  const screening = new ScreeningService(platform.withTransaction, platform.drafts);
  const sightings = new SightingsService(platform.withTransaction, locations, alerts);
  const intelligence = new IntelligenceService(platform.withTransaction, locations);
  const patterns = new PatternsService(platform.withTransaction, alerts, config.flags.linkedChildren);
  intelligence.observe(patterns);
  const resolution = new ResolutionService(platform.withTransaction);
  intelligence.observe(resolution);
  const allocation = new AllocationService(platform.withTransaction);
  return {
    ...platform,
    advocacy: new AdvocacyService(platform.withTransaction),
    alerts,
    allocation,
    careEpisodes: new CareEpisodesService(platform.withTransaction),
    ssda903: new Ssda903Service(platform.withTransaction),
    annexA: new AnnexAService(platform.withTransaction),
    atEighteen: new AtEighteenService(platform.withTransaction, alerts),
    concerns,
    children: new ChildrenService(platform.withTransaction, locations),
    chronology: new ChronologyService(platform.withTransaction),
    episodes,
    flags: new FlagsService(platform.withTransaction, config.flags),
    homes: new HomesService(platform.withTransaction),
    intelligence,
    hotspots: new HotspotsService(platform.withTransaction),
    warningNotices: new WarningNoticesService(platform.withTransaction, alerts, intelligence),
    justice: new JusticeService(platform.withTransaction, allocation, config.justice),
    evidence: new EvidenceService(platform.withTransaction),
    networks: new NetworksService(platform.withTransaction, platform.jobs),
    patterns,
    resolution,
    locations,
    notices,
    strategyDiscussions: new StrategyDiscussionsService(platform.withTransaction, platform.drafts),
    placements,
    profiles: new ProfilesService(platform.withTransaction, locations),
    imports: new ImportService(platform.withTransaction, alerts, placements),
    rows: new RowsService(platform.withTransaction),
    screening,
    sharing: new SharingService(platform.withTransaction, alerts),
    sightings,
    subjectAccess: new SubjectAccessService(platform.withTransaction),
    subgroups: new SubgroupService(platform.withTransaction, config.flags),
    thresholds: new ThresholdsService(platform.withTransaction),
    returnInterviews: new ReturnInterviewsService(platform.withTransaction, alerts, platform.drafts),
    retention: new RetentionService(platform.withTransaction, config.retention),
    training: new TrainingService(platform.withTransaction, config.trainingRenewalDays),
  };
}
