/**
 * The CSS of a Lit component (Shoelace, Material Web, Spectrum…) as written, for a stylesheet it
 * adopted: Lit keeps each style's text (`cssText`) beside the sheet it built from it
 * (`styleSheet`) in the component class's `elementStyles`. On a page that loaded its components
 * before the widget, the widget never saw those sheets built, and this is the only copy of the
 * text left: Chromium serializes a rule with a var() shorthand followed by one of its longhands
 * (Shoelace's alert border, for one) with those declarations lost. Its own chunk
 * (/widget-lit-css.js), loaded only on pages where Lit is (`reactiveElementVersions`).
 */
export function litSheetText(host: Node, sheet: CSSStyleSheet): string | undefined {
  try {
    const styles: unknown = (host.constructor as { elementStyles?: unknown }).elementStyles;
    if (Array.isArray(styles))
      for (const style of styles as { styleSheet?: unknown; cssText?: unknown }[])
        if (style?.styleSheet === sheet && typeof style.cssText === 'string') return style.cssText;
  } catch {
    // The page's own getters may throw: its rules then go as Chromium serializes them.
  }
  return undefined;
}
