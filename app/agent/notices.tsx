'use client';

import { useCallback, useState } from 'react';

export type NoticeTone = 'info' | 'success' | 'warning' | 'error';

export interface Notice {
  id: number;
  tone: NoticeTone;
  text: string;
  /** A notice with a testid of its own (besides `agent-notice`), shown with a padlock: `agent-masked-field-notice`. */
  special?: 'masked-field';
}

const MAX_NOTICES = 4;
/** Notices fade away by themselves; errors stay until dismissed. */
const NOTICE_TTL_MS = 10_000;
let nextId = 0;

/** A short list of notices, newest first. */
export function useNotices() {
  const [notices, setNotices] = useState<Notice[]>([]);
  const notify = useCallback((tone: NoticeTone, text: string, special?: Notice['special']) => {
    // The same words again (a refusal per keystroke) refresh one notice rather than stacking up.
    const id = ++nextId;
    setNotices((current) => [{ id, tone, text, special }, ...current.filter((notice) => notice.text !== text)].slice(0, MAX_NOTICES));
    if (tone !== 'error') setTimeout(() => setNotices((current) => current.filter((notice) => notice.id !== id)), NOTICE_TTL_MS);
  }, []);
  const dismiss = useCallback((id: number) => setNotices((current) => current.filter((notice) => notice.id !== id)), []);
  return { notices, notify, dismiss };
}

export function NoticeList({ notices, onDismiss }: { notices: Notice[]; onDismiss: (id: number) => void }) {
  return (
    // Each notice is a live region of its own (status or alert), which a list item cannot also be.
    <section className="notices" aria-label="Notifications">
      {notices.map((notice) => (
        <div
          key={notice.id}
          className={`notice ${notice.special ?? notice.tone}`}
          role={notice.tone === 'error' ? 'alert' : 'status'}
          data-testid="agent-notice"
        >
          {notice.special === 'masked-field' ? (
            <span className="notice-masked" data-testid="agent-masked-field-notice">
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden>
                <rect x="5" y="11" width="14" height="10" rx="2" fill="currentColor" />
                <path d="M8 11V7a4 4 0 0 1 8 0v4" fill="none" stroke="currentColor" strokeWidth="2" />
              </svg>
              {notice.text}
            </span>
          ) : (
            <span>{notice.text}</span>
          )}
          <button type="button" className="notice-close" aria-label="Dismiss" onClick={() => onDismiss(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
