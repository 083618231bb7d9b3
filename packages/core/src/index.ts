/**
 * Types, the wire protocol and RxJS operators over trade streams.
 *
 * @packageDocumentation
 * @module @market-stream/core
 */

export { authSubprotocol, readAuthSubprotocol } from './appsync/authSubprotocol.js';
export { symbolOfChannel, TRADES_NAMESPACE, tradesChannel } from './appsync/channels.js';
export { EventTooLargeError } from './appsync/EventTooLargeError.js';
export { encodeTradeEvents } from './appsync/encodeTradeEvents.js';
export type {
  AppSyncAuthorization,
  AppSyncEventsClientMessage,
  AppSyncEventsError,
  AppSyncEventsServerMessage,
  AppSyncFailedEvent,
  AppSyncPublishedEvent,
  AppSyncPublishRequest,
  AppSyncPublishResponse,
} from './appsync/messages.js';
export { parseTradeEvent } from './appsync/parseTradeEvent.js';
export { APPSYNC_EVENTS_PROTOCOL } from './appsync/protocol.js';
export { utf8Length } from './appsync/utf8Length.js';
export type { ProtocolLimits } from './defaults.js';
export {
  BAR_INTERVALS,
  DEFAULT_PROTOCOL_LIMITS,
  DEFAULT_SYMBOLS,
  SEQUENCE_TRACKER_DEFAULTS,
  TO_BARS_DEFAULTS,
  TRADE_VALIDATION_DEFAULTS,
} from './defaults.js';
export type {
  LambdaEnvironmentSettings,
  TableKeyAttribute,
  TableKeys,
} from './deploymentContracts.js';
export {
  CONNECTIONS_TABLE_KEYS,
  HISTORY_TABLE_KEYS,
  LAMBDA_ENV,
  lambdaEnvironment,
} from './deploymentContracts.js';
export type { TradeIssue } from './errors.js';
export { InvalidTradeError, MarketStreamError, ProtocolError } from './errors.js';
export { conflateLatest } from './operators/conflateLatest.js';
export type { DetectGapsOptions } from './operators/detectGaps.js';
export { detectGaps } from './operators/detectGaps.js';
export type { OpenBar } from './operators/openBar.js';
export { addTradeToBar, closeBar, openBar } from './operators/openBar.js';
export type { Bar, ToBarsOptions } from './operators/toBars.js';
export { toBars } from './operators/toBars.js';
export { applyClientMessage } from './protocol/applyClientMessage.js';
export { applyConnectQuery } from './protocol/applyConnectQuery.js';
export { encodeServerMessage } from './protocol/encodeServerMessage.js';
export type {
  ClientMessage,
  ErrorCode,
  ErrorMessage,
  PingMessage,
  PongMessage,
  RecoveryMessage,
  ServerMessage,
  SnapshotMessage,
  SubscribedMessage,
  SubscribeMessage,
  TradesMessage,
  Unrecovered,
  UnrecoveredReason,
  UnsubscribeMessage,
} from './protocol/messages.js';
export { ERROR_CODES, UNRECOVERED_REASONS } from './protocol/messages.js';
export type { ProtocolOutcome } from './protocol/ProtocolOutcome.js';
export type { ParseResult } from './protocol/parseClientMessage.js';
export { parseClientMessage } from './protocol/parseClientMessage.js';
export { parseServerMessage } from './protocol/parseServerMessage.js';
export { recoveryReplies, type SymbolRecovery } from './protocol/recoveryReplies.js';
export type { SeqAnomaly } from './sequence/classifySeq.js';
export { classifySeq } from './sequence/classifySeq.js';
export { NewestTrades, newestPerSymbol } from './sequence/NewestTrades.js';
export type { Trade } from './trade.js';
export { SYMBOL_PATTERN, tradeKey } from './trade.js';
export type { SequenceTrackerOptions } from './validation/SequenceTracker.js';
export { SequenceTracker } from './validation/SequenceTracker.js';
export type { TradeValidation, ValidateTradeOptions } from './validation/validateTrade.js';
export { validateTrade } from './validation/validateTrade.js';
