/**
 * The tools read their settings like the service does: through src/config/env.ts (the same keys, the same
 * validation). A bad setting ends the tool with the service's message, exit code 2.
 */
import { loadConfig, loadToolSettings, type AppConfig, type ToolSettings } from '../../src/config/env';
import { isAppError } from '../../src/shared/errors';

export function serviceConfig(): Readonly<AppConfig> {
  try {
    return loadConfig();
  } catch (e) {
    if (!isAppError(e)) throw e;
    console.error(e.message);
    process.exit(2);
  }
}

export const toolSettings: Readonly<ToolSettings> = loadToolSettings();
