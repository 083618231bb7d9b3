import type { ServerMessage, Trade } from '@market-stream/core';
import { VirtualTimeScheduler } from 'rxjs';
import type { SendOutcome, Transport } from '../../src/types.js';

/** A transport that records what each connection was sent, with switchable backpressure. */
export class RecordingTransport implements Transport {
  readonly sent = new Map<string, ServerMessage[]>();
  readonly payloads: string[] = [];
  readonly closed = new Map<string, { code: number; reason: string }>();
  readonly backpressured = new Set<string>();
  readonly gone = new Set<string>();
  /** Called on every send, e.g. to advance a fake clock. */
  onSend: (id: string) => void = () => {};

  send(connectionId: string, payload: string): SendOutcome {
    this.onSend(connectionId);
    if (this.gone.has(connectionId)) return 'gone';
    this.payloads.push(payload);
    const list = this.sent.get(connectionId) ?? [];
    list.push(JSON.parse(payload) as ServerMessage);
    this.sent.set(connectionId, list);
    return 'sent';
  }

  close(connectionId: string, code: number, reason: string): void {
    this.closed.set(connectionId, { code, reason });
  }

  isBackpressured(connectionId: string): boolean {
    return this.backpressured.has(connectionId);
  }

  messages(id: string): ServerMessage[] {
    return this.sent.get(id) ?? [];
  }

  /** Every trade `id` received in `trades` messages, as `SYMBOL#seq`. */
  tradeKeys(id: string): string[] {
    return this.messages(id).flatMap((message) =>
      message.type === 'trades' ? message.trades.map((t: Trade) => `${t.symbol}#${t.seq}`) : [],
    );
  }

  types(id: string): string[] {
    return this.messages(id).map((message) => message.type);
  }
}

/** Runs every action scheduled up to `time` on a virtual-time scheduler. */
export function advanceTo(scheduler: VirtualTimeScheduler, time: number): void {
  scheduler.maxFrames = time;
  scheduler.flush();
  scheduler.frame = Math.max(scheduler.frame, time);
}

export function virtualScheduler(): VirtualTimeScheduler {
  return new VirtualTimeScheduler();
}
