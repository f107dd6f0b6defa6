/** Opens the service's database for a command-line tool (same settings as the service: DATABASE_URL or DATA_DIR). */
import { RoutingConfigService } from '../../src/routing/versions';
import { loadRoutingConfig } from '../../src/routing/config-files';
import { systemClock } from '../../src/shared/clock';
import { openDatabase, type Database } from '../../src/store/database';
import { migrate } from '../../src/store/migrate';
import { PgRoutingConfigRepository } from '../../src/store/routing-config-repository';
import { serviceConfig } from './config';

export async function openStore(): Promise<{ db: Database; routingConfig: RoutingConfigService; where: string }> {
  const config = serviceConfig();
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize });
  await migrate(db);
  const routingConfig = new RoutingConfigService(new PgRoutingConfigRepository(db), systemClock);
  await routingConfig.seed(loadRoutingConfig(config.configDir));
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir} (stop the service first: one process at a time)`;
  return { db, routingConfig, where };
}
