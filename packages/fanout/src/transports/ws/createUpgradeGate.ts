import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { refuseUpgrade } from '../../internal/refuseUpgrade.js';
import { parseRequestTarget } from '../../internal/requestTarget.js';

/** An `upgrade` listener of a Node HTTP server. */
type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * The path each gate's listener serves, so that gates sharing one server can tell an upgrade
 * nobody serves (404) from one another listener will take.
 */
const gatePaths = new WeakMap<UpgradeListener, string>();

/**
 * What {@link createUpgradeGate} needs from `serveFanout`.
 *
 * @example
 * ```ts
 * const options: UpgradeGateOptions = {
 *   server, path: '/ws', originAllowed: () => true, authorize: async () => true,
 *   isClosing: () => false, upgrade: (request, socket, head, target) => {},
 * };
 * ```
 */
export interface UpgradeGateOptions {
  /** The HTTP server the listener is installed on (ours or a shared one). */
  server: Server;
  /** The one path upgrades are accepted on. */
  path: string;
  /** Whether a browser `Origin` may connect; others get 403. */
  originAllowed: (origin: string) => boolean;
  /** Resolves `true` to accept, `false` to refuse with 401; never rejects. */
  authorize: (request: IncomingMessage) => Promise<boolean>;
  /** `true` once the server is closing: upgrades then get 503. */
  isClosing: () => boolean;
  /** Completes an accepted upgrade; `target` is the parsed request target. */
  upgrade: (request: IncomingMessage, socket: Duplex, head: Buffer, target: URL) => void;
}

/**
 * The `upgrade` listener of `serveFanout` and the sockets it holds.
 *
 * @example
 * ```ts
 * const gate = createUpgradeGate(options);
 * server.on('upgrade', gate.listener);
 * // on close:
 * server.off('upgrade', gate.listener);
 * gate.destroyLeftovers();
 * ```
 */
export interface UpgradeGate {
  /** Install with `server.on('upgrade', listener)`. */
  readonly listener: UpgradeListener;
  /**
   * Destroys every socket that reached the listener and did not become a WebSocket: pending
   * `authorize`, being refused, or left to another listener that has written nothing to it.
   */
  destroyLeftovers(): void;
}

/**
 * Decides every upgrade request that reaches `serveFanout`'s listener, in this order: an
 * unparseable target is 400 (whoever owns the path); a path no listener on the server serves is
 * 404 (another path is left alone only when the server has an `upgrade` listener that is not a
 * gate, or a gate serving that path); closing is 503; a disallowed `Origin` 403; a refused
 * `authorize` 401; the rest go to `upgrade`. Every socket gets an `error` listener first, so a
 * client reset at any point never becomes an uncaught exception, and every socket that is not
 * yet a WebSocket is tracked until it closes, for {@link UpgradeGate.destroyLeftovers}.
 *
 * @param options - See {@link UpgradeGateOptions}.
 * @returns The listener and the leftover sweep.
 *
 * @example
 * ```ts
 * const gate = createUpgradeGate({ server, path: '/ws', originAllowed, authorize, isClosing, upgrade });
 * server.on('upgrade', gate.listener);
 * ```
 */
export function createUpgradeGate(options: UpgradeGateOptions): UpgradeGate {
  const { server, path, originAllowed, authorize, isClosing, upgrade } = options;
  const ours = new Set<Duplex>();
  const leftToOthers = new Set<Duplex>();
  const track = (sockets: Set<Duplex>, socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const listener: UpgradeListener = (request, socket, head) => {
    socket.on('error', () => socket.destroy());
    const target = parseRequestTarget(request.url);
    if (target === undefined) {
      track(ours, socket);
      return refuseUpgrade(socket, 400);
    }
    if (target.pathname !== path) {
      if (nobodyServes(server, target.pathname)) {
        track(ours, socket);
        return refuseUpgrade(socket, 404);
      }
      return track(leftToOthers, socket);
    }
    track(ours, socket);
    if (isClosing()) return refuseUpgrade(socket, 503);
    const origin = request.headers.origin;
    if (origin !== undefined && !originAllowed(origin)) return refuseUpgrade(socket, 403);
    void authorize(request)
      .then((ok) => {
        if (!ok) return refuseUpgrade(socket, 401);
        if (isClosing() || socket.destroyed) return refuseUpgrade(socket, 503);
        ours.delete(socket);
        upgrade(request, socket, head, target);
      })
      .catch(() => socket.destroy());
  };
  gatePaths.set(listener, path);

  return {
    listener,
    destroyLeftovers: () => {
      for (const socket of ours) socket.destroy();
      for (const socket of leftToOthers) {
        // A socket another listener answered (a 101, an error) is theirs; one nobody wrote to
        // is a leftover that would hold the server open.
        if (((socket as Partial<Socket>).bytesWritten ?? 0) === 0) socket.destroy();
      }
    },
  };
}

/** Whether every `upgrade` listener of `server` is a gate, none of them serving `pathname`. */
function nobodyServes(server: Server, pathname: string): boolean {
  return server.listeners('upgrade').every((listener) => {
    const served = gatePaths.get(listener as UpgradeListener);
    return served !== undefined && served !== pathname;
  });
}
