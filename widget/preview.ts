import type { PreviewMessage, SessionRules } from '../protocol/messages.ts';
import type { recordForParent } from './frames/record-for-parent.ts';
import type { createRecorder, Recorder } from './recorder.ts';

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
 * Only the server's own origin is listened to and posted to. A chunk of its own
 * (/widget-preview.js) that only framed pages load; it records with the core's recorder.
 * `frame`: the page runs the widget as another site's frame (`init({ frame: true })`), whose own
 * chunk (/widget-child-frame.js) records it for its parent page.
 */
export function answerMaskingPreview(serverOrigin: string, record: typeof createRecorder, frame?: boolean): void {
  if (frame)
    import(/* @vite-ignore */ `${serverOrigin}/widget-child-frame.js`)
      .then((code: { recordForParent: typeof recordForParent }) => code.recordForParent(serverOrigin, record))
      .catch(() => {}); // no answer from the server: the frame is not mirrored, the agent sees its placeholder
  let recorder: Recorder | null = null;
  const post = (message: PreviewMessage) => window.parent.postMessage(message, serverOrigin);
  addEventListener('message', (event: MessageEvent<Partial<PreviewMessage> | null>) => {
    if (event.origin !== serverOrigin || event.source !== window.parent || event.data?.type !== 'cobrowse-preview-rules') return;
    recorder ??= record(
      async (batch) => post({ type: 'cobrowse-preview-events', batch }),
      (name) => import(`${serverOrigin}/widget-${name}.js`),
    );
    recorder.setOnline(true);
    recorder.start(masking(event.data.rules));
  });
  post({ type: 'cobrowse-preview-ready' });
}
