/** What the widget keeps to resume a chat on the next page load of the same tab. */
export interface StoredChat {
  chatId: string;
  /** The customer's secret for this chat (startChat's customerToken). */
  token: string;
  /** Whether the chat window was open, so a page load shows it as it was. */
  open: boolean;
}

/** The sessionStorage key; per tab, like the co-browse session's. */
export const CHAT_STORAGE_KEY = 'cobrowse:chat';

/** The stored chat, or null when there is none or storage is unavailable. */
export function loadChat(): StoredChat | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(CHAT_STORAGE_KEY) ?? 'null') as StoredChat | null;
    return value?.chatId && value.token ? value : null;
  } catch {
    return null;
  }
}

/** Remembers the chat (or forgets it, with null) for the next page load. */
export function saveChat(chat: StoredChat | null): void {
  try {
    if (chat) sessionStorage.setItem(CHAT_STORAGE_KEY, JSON.stringify(chat));
    else sessionStorage.removeItem(CHAT_STORAGE_KEY);
  } catch {
    // Storage blocked: the chat lasts one page.
  }
}
