/**
 * Builds the whole service from a config: database → repositories → domain services → adapters.
 * main.ts runs it as a process; tests build the same graph with a fixed clock and an in-memory database.
 */
import type { Server } from 'node:http';
import { AccessService } from './access/access';
import type { AppConfig } from './config/env';
import { loadBucTypes } from './config/catalogue';
import { IntakeService } from './intake/intake-service';
import { systemClock, type Clock } from './shared/clock';
import { createLogger, type Logger } from './shared/logger';
import { createMetrics, type Metrics } from './shared/metrics';
import { PgAccessRepository } from './store/access-repository';
import { openDatabase, type Database } from './store/database';
import { PgIntakeRepository } from './store/intake-repository';
import { migrate } from './store/migrate';
import { PgQuarantineRepository } from './store/quarantine-repository';
import { EnvelopeValidator } from './validation/envelope-validator';
import { accessRouter } from './web/access-router';
import { createApp } from './web/app';
import { healthRouter, type ReadinessProbe } from './web/health-router';
import { intakeRouter } from './web/intake-router';

export interface ServiceOptions {
  clock?: Clock;
  logger?: Logger;
  /** An already open database (tests share one per file); otherwise opened from the config. */
  db?: Database;
  /** Listen on config.port (default true). */
  listen?: boolean;
}

export interface Service {
  config: Readonly<AppConfig>;
  db: Database;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  app: ReturnType<typeof createApp>;
  server?: Server;
  intake: IntakeService;
  access: AccessService;
  /** Stop taking work, finish what is held, close everything. */
  stop(): Promise<void>;
}

export async function startService(config: Readonly<AppConfig>, opts: ServiceOptions = {}): Promise<Service> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger({ level: config.logLevel });
  const metrics = createMetrics();
  const ownDb = !opts.db;
  const db = opts.db ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const applied = await migrate(db);
  if (applied.length) logger.info('database migrated', { event: 'store.migrated', applied, driver: db.driver });

  const access = new AccessService(new PgAccessRepository(db), clock, config.bootstrapToken);
  if (config.bootstrapAdminUser && config.bootstrapAdminPassword) {
    await access.ensureOperator(config.bootstrapAdminUser, config.bootstrapAdminPassword, 'admin');
  }
  const validator = new EnvelopeValidator({ bucTypes: loadBucTypes(config.configDir) });
  const intake = new IntakeService({ repo: new PgIntakeRepository(db), validator, clock, logger, metrics });
  const quarantine = new PgQuarantineRepository(db);

  let stopping = false;
  const probes: ReadinessProbe[] = [{ name: 'database', check: () => db.ping() }];
  const app = createApp({
    access,
    logger,
    publicRouters: [healthRouter(probes, metrics, () => stopping)],
    routers: [accessRouter(access, false), intakeRouter(intake, quarantine)],
  });

  let server: Server | undefined;
  if (opts.listen !== false) {
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.port, () => resolve(s));
      s.once('error', reject);
    });
    logger.info('listening', { event: 'http.listening', port: config.port, database: db.driver, broker: Boolean(config.amqpUrl) });
  }

  return {
    config, db, clock, logger, metrics, app, server, intake, access,
    async stop() {
      stopping = true;
      if (server) {
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      if (ownDb) await db.close();
    },
  };
}
