'use client';

import { useCallback, useState } from 'react';

export type NoticeTone = 'info' | 'success' | 'warning' | 'error';

export interface Notice {
  id: number;
  tone: NoticeTone;
  text: string;
}

const MAX_NOTICES = 4;
/** Notices fade away by themselves; errors stay until dismissed. */
const NOTICE_TTL_MS = 10_000;
let nextId = 0;

/** A short list of notices, newest first. */
export function useNotices() {
  const [notices, setNotices] = useState<Notice[]>([]);
  const notify = useCallback((tone: NoticeTone, text: string) => {
    // The same words again (a refusal per keystroke) refresh one notice rather than stacking up.
    const id = ++nextId;
    setNotices((current) => [{ id, tone, text }, ...current.filter((notice) => notice.text !== text)].slice(0, MAX_NOTICES));
    if (tone !== 'error') setTimeout(() => setNotices((current) => current.filter((notice) => notice.id !== id)), NOTICE_TTL_MS);
  }, []);
  const dismiss = useCallback((id: number) => setNotices((current) => current.filter((notice) => notice.id !== id)), []);
  return { notices, notify, dismiss };
}

export function NoticeList({ notices, onDismiss }: { notices: Notice[]; onDismiss: (id: number) => void }) {
  return (
    <ul className="notices" aria-label="Notifications">
      {notices.map((notice) => (
        <li
          key={notice.id}
          className={`notice ${notice.tone}`}
          role={notice.tone === 'error' ? 'alert' : 'status'}
          data-testid="agent-notice"
        >
          <span>{notice.text}</span>
          <button type="button" className="notice-close" aria-label="Dismiss" onClick={() => onDismiss(notice.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
