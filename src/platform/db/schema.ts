// Every table of the hub, for Drizzle's query builder and drizzle-kit's migrations.
export * from '../access/tables';
export * from '../agencies/tables';
export * from '../audit/tables';
export * from '../auth/tables';
export * from '../http/tables';
export * from '../mail/tables';
