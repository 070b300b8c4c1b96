import type { PreviewMessage, SessionRules } from '../protocol/messages.ts';
import { createRecorder, type Recorder } from './recorder.ts';

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item) => typeof item === 'string') : []);

/** The masking rules out of a preview message; anything malformed counts as "no extra rule". */
function masking(rules: Partial<SessionRules> | undefined) {
  return {
    maskedFieldSelectors: strings(rules?.maskedFieldSelectors),
    maskedElementSelectors: strings(rules?.maskedElementSelectors),
    maskedImageSelectors: strings(rules?.maskedImageSelectors),
    maskedCanvasSelectors: strings(rules?.maskedCanvasSelectors),
    maskedPagePatterns: strings(rules?.maskedPagePatterns),
    keptQueryParameters: strings(rules?.keptQueryParameters),
  };
}

/**
 * When this page is framed by the co-browse server's masking preview, records it under the
 * rules the preview sends and posts the events back, exactly as an agent would receive them.
 * Only the server's own origin is listened to and posted to.
 */
export function answerMaskingPreview(serverOrigin: string): void {
  if (window.parent === window) return;
  let recorder: Recorder | null = null;
  const post = (message: PreviewMessage) => window.parent.postMessage(message, serverOrigin);
  addEventListener('message', (event: MessageEvent<Partial<PreviewMessage> | null>) => {
    if (event.origin !== serverOrigin || event.source !== window.parent || event.data?.type !== 'cobrowse-preview-rules') return;
    recorder ??= createRecorder(async (batch) => post({ type: 'cobrowse-preview-events', batch }));
    recorder.setOnline(true);
    recorder.start(masking(event.data.rules));
  });
  post({ type: 'cobrowse-preview-ready' });
}
