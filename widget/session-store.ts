/** What the widget keeps to resume a session on the next page load of the same tab. */
export interface StoredSession {
  sessionId: string;
  code: string;
  customerToken: string;
}

/**
 * The sessionStorage key; per tab, and a tab's session goes to the site's other tabs only on
 * their BroadcastChannel (widget/tabs), so the customer token is never at rest in localStorage.
 */
export const SESSION_STORAGE_KEY = 'cobrowse:session';

/**
 * The localStorage key saying that a tab of the site has a session running (no token, no ID):
 * only then does a tab without one load the tabs chunk and ask the others for it.
 */
export const SESSION_LIVE_KEY = 'cobrowse:live';

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

/** Whether a tab of the site said it has a session running (false when storage is unavailable). */
export function sessionLiveElsewhere(): boolean {
  try {
    return !!localStorage.getItem(SESSION_LIVE_KEY);
  } catch {
    return false;
  }
}

/** Says (or stops saying) that a tab of the site has a session running. */
export function markSessionLive(live: boolean): void {
  try {
    if (live) localStorage.setItem(SESSION_LIVE_KEY, '1');
    else localStorage.removeItem(SESSION_LIVE_KEY);
  } catch {
    // Storage blocked: other tabs do not follow this session.
  }
}
