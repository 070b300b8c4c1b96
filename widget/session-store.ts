/** What the widget keeps to resume a session on the next page load of the same tab. */
export interface StoredSession {
  sessionId: string;
  code: string;
  customerToken: string;
}

/** The sessionStorage key; per tab, so a second tab never joins the first tab's session. */
export const SESSION_STORAGE_KEY = 'cobrowse:session';

/** The stored session, or null when there is none or storage is unavailable (privacy modes). */
export function loadSession(): StoredSession | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(SESSION_STORAGE_KEY) ?? 'null') as StoredSession | null;
    return value?.sessionId && value.code && value.customerToken ? value : null;
  } catch {
    return null;
  }
}

/** Remembers the session for the next page load; without storage the session lasts one page. */
export function saveSession(session: StoredSession): void {
  try {
    sessionStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
  } catch {
    // Storage blocked or full: co-browse still works on this page.
  }
}

/** Forgets the session (it ended). */
export function clearSession(): void {
  try {
    sessionStorage.removeItem(SESSION_STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
}
