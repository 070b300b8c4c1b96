import type { NoticeKind } from '../api.ts';

/** How long a notice stays on screen. */
export const NOTICE_DURATION_MS = 8000;

/** The most notices shown at once; older ones make room. */
const MAX_NOTICES = 3;

/** Shows a notice (data-testid `cobrowse-notice`) in `container`, announced politely to screen readers. */
export type Notify = (message: string, kind?: NoticeKind) => void;

/** Creates the notice list inside `container`. */
export function createNotices(container: HTMLElement): Notify {
  return (message, kind = 'info') => {
    const notice = document.createElement('div');
    notice.className = 'note ' + kind;
    notice.dataset.testid = 'cobrowse-notice';
    notice.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    notice.setAttribute('aria-live', kind === 'error' ? 'assertive' : 'polite');
    notice.textContent = message;
    container.append(notice);
    while (container.children.length > MAX_NOTICES) container.firstElementChild?.remove();
    setTimeout(() => notice.remove(), NOTICE_DURATION_MS);
  };
}
