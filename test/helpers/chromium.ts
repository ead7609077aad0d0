import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`): the browser the report tests render in. */
export const CHROMIUM = '/usr/bin/chromium';

/** True when Chromium is installed: the browser tests run, else they skip saying why. */
export const hasChromium = (): boolean => existsSync(CHROMIUM);

/** Headless Chromium, nothing fetched from the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
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
