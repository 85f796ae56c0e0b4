import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot } from './helpers.js';

/** CHROMIUM is Debian's Chromium, which .ci/run installs. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * launchChromium starts headless Chromium for page tests. This machine has
 * no network beyond the package registries: the flags keep Chromium from
 * reaching for Google's services at start.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** artifactDir is where tests keep what a person may want to look at after a run (screenshots): $WUBOT_ARTIFACTS, else test-artifacts/. */
export function artifactDir(sub: string): string {
  const dir = join(process.env.WUBOT_ARTIFACTS ?? join(repoRoot, 'test-artifacts'), sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}
