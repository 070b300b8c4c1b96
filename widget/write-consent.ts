import type { InitOptions, WriteRequest } from './api.ts';

/** The site's answer must come this long before the request expires, so a late one still counts. */
const ANSWER_MARGIN_MS = 1000;

/**
 * Asks the site's `onWriteRequest` hook about a Write Mode request. Resolves true only when the
 * hook says true in time: an error, any other answer or none before the request expires is a
 * decline, so a broken hook never leaves the agent waiting.
 */
export async function askSite(hook: NonNullable<InitOptions['onWriteRequest']>, request: WriteRequest): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return (
      (await Promise.race([
        (async () => hook(request))(),
        new Promise<false>(
          (resolve) => (timer = setTimeout(resolve, Date.parse(request.expiresAt) - Date.now() - ANSWER_MARGIN_MS, false)),
        ),
      ])) === true
    );
  } catch (error) {
    console.error(error); // the site's hook failed: decline
    return false;
  } finally {
    clearTimeout(timer);
  }
}
