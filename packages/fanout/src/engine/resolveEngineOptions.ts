import { DEFAULT_PROTOCOL_LIMITS, type ProtocolLimits } from '@market-stream/core';
import { asyncScheduler } from 'rxjs';
import { ENGINE_DEFAULTS } from '../defaults.js';
import type { DeliveryMode } from '../types.js';
import type { ReplayBounds } from './ReplayBuffer.js';
import type { FanoutOptions } from './types.js';

/**
 * The engine's options with every default filled in (`ENGINE_DEFAULTS`).
 * @internal
 */
export type EngineSettings = Required<
  Omit<FanoutOptions, 'transport' | 'store' | 'source' | 'limits' | 'mode' | 'replay'>
> & { mode: DeliveryMode; limits: ProtocolLimits; replay: ReplayBounds | false };

/** CPU time this process has used, ms: flush cost that other processes cannot inflate. */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Fills in the defaults of the engine's options and checks the ones the engine's own parts do
 * not (the window governor checks the window and the target load).
 *
 * @param options - The options `createFanout` was given.
 * @returns The options with every default filled in.
 * @throws RangeError when `shards`, `maxSeqGap`, `maxSymbols`, `maxRecoveredTrades` or a
 *   `replay` bound is out of range.
 * @internal
 */
export function resolveEngineOptions(options: FanoutOptions): EngineSettings {
  const settings: EngineSettings = {
    shards: options.shards ?? ENGINE_DEFAULTS.shards,
    flushIntervalMs: options.flushIntervalMs ?? ENGINE_DEFAULTS.flushIntervalMs,
    maxFlushIntervalMs: options.maxFlushIntervalMs ?? ENGINE_DEFAULTS.maxFlushIntervalMs,
    targetFlushLoad: options.targetFlushLoad ?? ENGINE_DEFAULTS.targetFlushLoad,
    mode: options.mode ?? ENGINE_DEFAULTS.mode,
    limits: { ...DEFAULT_PROTOCOL_LIMITS, ...options.limits },
    maxMessagesPerSecond: options.maxMessagesPerSecond ?? ENGINE_DEFAULTS.maxMessagesPerSecond,
    messageBurst: options.messageBurst ?? ENGINE_DEFAULTS.messageBurst,
    maxQueuedMessages: options.maxQueuedMessages ?? ENGINE_DEFAULTS.maxQueuedMessages,
    maxQueuedBytes: options.maxQueuedBytes ?? ENGINE_DEFAULTS.maxQueuedBytes,
    maxBacklogTrades: options.maxBacklogTrades ?? ENGINE_DEFAULTS.maxBacklogTrades,
    maxPendingTrades: options.maxPendingTrades ?? ENGINE_DEFAULTS.maxPendingTrades,
    directSend: options.directSend ?? ENGINE_DEFAULTS.directSend,
    validateTrades: options.validateTrades ?? ENGINE_DEFAULTS.validateTrades,
    maxSeqGap: options.maxSeqGap ?? ENGINE_DEFAULTS.maxSeqGap,
    maxSymbols: options.maxSymbols ?? ENGINE_DEFAULTS.maxSymbols,
    replay: resolveReplay(options.replay),
    maxRecoveredTrades: options.maxRecoveredTrades ?? ENGINE_DEFAULTS.maxRecoveredTrades,
    scheduler: options.scheduler ?? asyncScheduler,
    clock: options.clock ?? processCpuMs,
    onError: options.onError ?? (() => {}),
  };
  const { shards, maxSeqGap, maxSymbols } = settings;
  if (!Number.isInteger(shards) || shards < 1) {
    throw new RangeError(`shards must be a positive integer, got ${shards}`);
  }
  if (!(maxSeqGap >= 1)) {
    throw new RangeError(`maxSeqGap must be ≥ 1 or Infinity, got ${maxSeqGap}`);
  }
  if (
    !(Number.isInteger(maxSymbols) || maxSymbols === Number.POSITIVE_INFINITY) ||
    maxSymbols < 1
  ) {
    throw new RangeError(`maxSymbols must be a positive integer or Infinity, got ${maxSymbols}`);
  }
  const { maxRecoveredTrades } = settings;
  if (!Number.isInteger(maxRecoveredTrades) || maxRecoveredTrades < 0) {
    throw new RangeError(
      `maxRecoveredTrades must be a whole number ≥ 0, got ${String(maxRecoveredTrades)}`,
    );
  }
  return settings;
}

/** The replay buffer's bounds with defaults filled in, checked; `false` when replay is off. */
function resolveReplay(replay: FanoutOptions['replay']): ReplayBounds | false {
  if (replay === false) return false;
  if (replay !== undefined && (typeof replay !== 'object' || replay === null)) {
    throw new RangeError(`replay must be false or an object of bounds, got ${String(replay)}`);
  }
  const bounds: ReplayBounds = {
    tradesPerSymbol: replay?.tradesPerSymbol ?? ENGINE_DEFAULTS.replayTradesPerSymbol,
    maxTrades: replay?.maxTrades ?? ENGINE_DEFAULTS.replayMaxTrades,
    maxAgeMs: replay?.maxAgeMs ?? ENGINE_DEFAULTS.replayMaxAgeMs,
  };
  for (const name of ['tradesPerSymbol', 'maxTrades'] as const) {
    const value = bounds[name];
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`replay.${name} must be a positive integer, got ${String(value)}`);
    }
  }
  if (!(bounds.maxAgeMs > 0)) {
    throw new RangeError(
      `replay.maxAgeMs must be a positive number of ms or Infinity, got ${String(bounds.maxAgeMs)}`,
    );
  }
  return bounds;
}
