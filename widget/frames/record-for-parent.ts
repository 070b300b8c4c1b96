import { FRAME_RULES_PATH, type FrameMessage, type FrameRules } from '../../protocol/messages.ts';
import type { createRecorder, Recorder } from '../recorder.ts';

/**
 * The chunk /widget-child-frame.js, loaded by a page that runs the widget as another site's frame
 * (`Cobrowse.init({ frame: true })`). First it asks the server which parent origins it belongs
 * to and under which masking rules it records: a page whose origin the admin does not trust
 * gets none, and posts nothing. Then it says it is ready to those origins only (the browser
 * delivers to the parent only if it is one of them), records while the parent asks — masked
 * here, before anything is posted — and posts its batches to that parent alone, until told to stop.
 */
export async function recordForParent(serverOrigin: string, record: typeof createRecorder): Promise<void> {
  const answer = (await fetch(serverOrigin + FRAME_RULES_PATH, { credentials: 'omit' }).then((response) => response.json())) as FrameRules;
  const { parentOrigins, rules } = answer;
  if (!rules || !Array.isArray(parentOrigins) || !parentOrigins.length) return;
  let recorder: Recorder | null = null;
  let parentOrigin = '';
  const post = (message: FrameMessage) => window.parent.postMessage(message, parentOrigin);
  addEventListener('message', (event: MessageEvent<Partial<FrameMessage> | null>) => {
    if (event.source !== window.parent || !parentOrigins.includes(event.origin)) return;
    const type = event.data?.type;
    if (type === 'cobrowse-frame-record') {
      parentOrigin = event.origin;
      recorder ??= record(
        async (batch) => post({ type: 'cobrowse-frame-events', batch }),
        (name) => import(`${serverOrigin}/widget-${name}.js`),
      );
      recorder.setOnline(true);
      // A second ask sends the snapshot again (the parent's view of this frame was rebuilt).
      recorder.start(rules);
    } else if (type === 'cobrowse-frame-stop') recorder?.stop();
  });
  for (const origin of parentOrigins) window.parent.postMessage({ type: 'cobrowse-frame-ready' } satisfies FrameMessage, origin);
}
