import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium, headless, with the background services that would reach for the network
 * (updates, sync, QUIC probes) switched off: this machine has no network beyond loopback.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
