import type { Config } from '../config';
import { AgenciesService } from './agencies/agencies.service';
import { AuditService } from './audit/audit.service';
import { ApiTokensService } from './auth/api-tokens.service';
import { SignInService } from './auth/sign-in.service';
import { UsersService } from './auth/users.service';
import type { Clock } from './context';
import type { Database } from './db/client';
import { transactionRunner, type WithTransaction } from './db/transaction';
import { DraftsService } from './drafts/drafts.service';
import { type Geocoder, geocoderFor } from './geo/geocoder';
import { JobQueue } from './jobs/jobs';
import { MailService } from './mail/mail.service';
import { Mailer } from './mail/mailer';

/** The services of the platform itself; features add theirs in src/services.ts. */
export interface PlatformServices {
  config: Config;
  clock: Clock;
  database: Database;
  withTransaction: WithTransaction;
  signIn: SignInService;
  users: UsersService;
  agencies: AgenciesService;
  apiTokens: ApiTokensService;
  audit: AuditService;
  drafts: DraftsService;
  jobs: JobQueue;
  mailer: Mailer;
  mail: MailService;
  geocoder: Geocoder;
}

export function createPlatformServices(database: Database, config: Config, clock: Clock): PlatformServices {
  const withTransaction = transactionRunner(database);
  const jobs = new JobQueue(database);
  const mailer = new Mailer(config);
  return {
    config,
    clock,
    database,
    withTransaction,
    signIn: new SignInService(withTransaction, config, clock),
    users: new UsersService(withTransaction),
    agencies: new AgenciesService(withTransaction),
    apiTokens: new ApiTokensService(withTransaction, clock),
    audit: new AuditService(withTransaction),
    drafts: new DraftsService(withTransaction),
    jobs,
    mailer,
    mail: new MailService(withTransaction, jobs, mailer, clock),
    geocoder: geocoderFor(config.postcodeLookupUrl),
  };
}
