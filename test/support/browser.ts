import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; Playwright cannot download its own browsers on these machines. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Two pages share one machine in these tests; keep the one in the background running at full speed.
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
];

/** A headless Chromium; Playwright gives every launch a fresh temporary profile. */
export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });

/** The event batches the page's widget uploaded (binary frames, protocol/uploads.ts), each as its JSON. */
export function captureUploads(page: Page): string[] {
  const uploads: string[] = [];
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => void (typeof payload !== 'string' && uploads.push(payload.toString()))),
  );
  return uploads;
}

/** Signs in through the real /login page. */
export async function signInAs(page: Page, baseUrl: string, email: string, next = '/agent'): Promise<void> {
  await page.goto(`${baseUrl}/login?next=${encodeURIComponent(next)}`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill('cobrowse-demo');
  await page.getByTestId('login-submit').click();
  await page.waitForURL(`${baseUrl}${next}`);
}
