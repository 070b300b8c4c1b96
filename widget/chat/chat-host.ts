import type { WidgetTexts } from '../api.ts';
import type { execute, openSocket, postGraphQL } from '../transport.ts';

/** What the chat bundle gets from the main widget (its transport, so it is not bundled twice). */
export interface ChatHost {
  shadow: ShadowRoot;
  serverOrigin: string;
  /** The Chat with us button, which the chat bundle takes over. */
  button: HTMLButtonElement;
  transport: { openSocket: typeof openSocket; execute: typeof execute; postGraphQL: typeof postGraphQL };
  /** The page's texts (language and overrides), chat texts among them. */
  texts: WidgetTexts;
}
