import { createHash, createPublicKey } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium (browsers cannot be downloaded here), trusting exactly the given self-signed certificate,
 * as a plant would pin it: the page is then a secure context and keeps its Secure session cookie.
 */
export function launchPinned(certificate: Buffer): Promise<Browser> {
  const spki = createHash('sha256')
    .update(createPublicKey(certificate).export({ type: 'spki', format: 'der' }))
    .digest('base64');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      `--ignore-certificate-errors-spki-list=${spki}`,
    ],
  });
}
