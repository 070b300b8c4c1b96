import { h } from './h.ts';

/** The id of the widget's host element; rrweb blocks it, so no widget UI is ever recorded. */
export const WIDGET_ROOT_ID = 'cobrowse-widget-root';

/**
 * Creates the host element and its open shadow root (open, so automation can reach the
 * data-testid elements inside). The host is a 0×0 fixed box: it takes no room in the page, and
 * the placeholder rrweb records for it takes none in the agent's view either.
 */
export function createShadowRoot(css: string): ShadowRoot {
  const host = document.createElement('div');
  host.id = WIDGET_ROOT_ID;
  // Inline and !important, so no page stylesheet can move or hide the widget.
  host.style.cssText =
    'position:fixed!important;left:0!important;top:0!important;width:0!important;height:0!important;z-index:2147483647!important;display:block!important';
  const shadow = host.attachShadow({ mode: 'open' });
  addStyles(shadow, css);
  document.body.append(host);
  return shadow;
}

/** Adds `css` to the widget's shadow root, after what it has. */
export function addStyles(shadow: ShadowRoot, css: string): void {
  // A constructed sheet is not inline style, so a site's Content-Security-Policy does not block it.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
  } catch {
    shadow.append(h('style', null, css));
  }
}
