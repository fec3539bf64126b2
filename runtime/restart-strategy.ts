// The restart strategy (Flink's RestartBackoffTimeStrategy): whether a failed job restarts, and after what delay.
import { parseDuration } from '../compiler/options';
import { setting } from './task/task-builder';

export interface RestartBackoffTimeStrategy {
  /** Restarts allowed in all (`restart-strategy.fixed-delay.attempts`). */
  readonly attempts: number;
  /** Whether a job that already restarted `restarts` times may restart once more. */
  canRestart(restarts: number): boolean;
  /** How long to wait before the restart, in ms (`restart-strategy.fixed-delay.delay`). */
  backoffTime(): number;
}

/**
 * The job's strategy, read from its config at a failure: `restart-strategy.type` `fixed-delay` restarts up to
 * `attempts` times; any other type never restarts.
 */
export function restartBackoffTimeStrategy(
  config: Readonly<Record<string, string>>,
): RestartBackoffTimeStrategy {
  const strategy = setting(config, 'restart-strategy.type')!;
  const attempts = Number(setting(config, 'restart-strategy.fixed-delay.attempts'));
  return {
    attempts,
    // Not `restarts < attempts`: an `attempts` that is no number sets no limit.
    canRestart: (restarts) => strategy === 'fixed-delay' && !(restarts >= attempts),
    backoffTime: () => parseDuration(setting(config, 'restart-strategy.fixed-delay.delay')!)!,
  };
}
