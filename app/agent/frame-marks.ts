import type { ReplayPlugin } from 'rrweb';
import { OTHER_SITE_FRAME_ATTRIBUTE } from '../../protocol/messages';
import { FRAME_LABEL_PROPERTY, otherSiteLabel } from '../lib/replay-frames';
import { MASK_RULES } from './agent-marks';

/**
 * Frames of other sites in the rebuilt page: each placeholder names its site, and the page of a
 * trusted frame, once attached, marks its masked nodes as the customer's page does (the page's
 * mark rules do not reach into a frame's document).
 */
export const frameMarks: ReplayPlugin = {
  onBuild(node) {
    if (node.nodeName === 'IFRAME') {
      const origin = (node as Element).getAttribute(OTHER_SITE_FRAME_ATTRIBUTE);
      if (origin) (node as HTMLElement).style.setProperty(FRAME_LABEL_PROPERTY, otherSiteLabel(origin));
    } else if (node.nodeType === Node.DOCUMENT_NODE && (node as Document).defaultView?.frameElement?.ownerDocument !== document) {
      // A frame's document inside the rebuilt page (the rebuilt page's own is marked by markAgentView).
      const frameDocument = node as Document;
      const style = frameDocument.createElement('style');
      style.textContent = MASK_RULES.join('\n');
      (frameDocument.head ?? frameDocument.documentElement)?.append(style);
    }
  },
};
