/** Composition root: config → service → signals. Nothing else lives here. */
import { loadConfig } from './config/env';
import { startService } from './app/service';
import { createLogger } from './shared/logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const logger = createLogger({ level: config.logLevel });
  const service = await startService(config, { logger });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { event: 'service.stopping', signal });
    const force = setTimeout(() => {
      logger.error('forced exit after grace period', { event: 'service.forced-exit' });
      process.exit(1);
    }, config.shutdownGraceMs + 5000);
    force.unref();
    await service.stop();
    logger.info('stopped', { event: 'service.stopped' });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  console.error(`eessi-liaison failed to start: ${(e as Error).message}`);
  process.exit(1);
});
