/** Longest endpoint URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Why a webhook URL is refused on its own (before any DNS), or null when its form is fine. */
export function webhookUrlProblem(value: string): string | null {
  if (value.length > MAX_WEBHOOK_URL_LENGTH) return `A webhook URL has at most ${MAX_WEBHOOK_URL_LENGTH} characters.`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Give a full URL such as https://hooks.example.com/cobrowse.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'A webhook URL starts with https:// (or http://).';
  if (url.username || url.password) return 'Put no user name or password in the URL; verify the signature instead.';
  if (url.hash) return 'A webhook URL has no #fragment.';
  return null;
}
