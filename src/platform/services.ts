import type { Config } from '../config';
import { AgenciesService } from './agencies/agencies.service';
import { ApiTokensService } from './auth/api-tokens.service';
import { SignInService } from './auth/sign-in.service';
import { UsersService } from './auth/users.service';
import type { Clock } from './context';
import type { Database } from './db/client';
import { transactionRunner, type WithTransaction } from './db/transaction';

export interface Services {
  config: Config;
  clock: Clock;
  database: Database;
  withTransaction: WithTransaction;
  signIn: SignInService;
  users: UsersService;
  agencies: AgenciesService;
  apiTokens: ApiTokensService;
}

export function createServices(database: Database, config: Config, clock: Clock): Services {
  const withTransaction = transactionRunner(database);
  return {
    config,
    clock,
    database,
    withTransaction,
    signIn: new SignInService(withTransaction, config, clock),
    users: new UsersService(withTransaction),
    agencies: new AgenciesService(withTransaction),
    apiTokens: new ApiTokensService(withTransaction, clock),
  };
}
