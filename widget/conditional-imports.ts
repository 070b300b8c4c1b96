import { CONDITIONAL_IMPORTS_EVENT_TAG, type ConditionalImport } from '../protocol/messages.ts';
import type { Recorder } from './recorder.ts';

/** How many top-level rules rrweb writes for a sheet: an imported sheet's own, in place of its `@import`. */
function writtenRules(sheet: CSSStyleSheet | null): number {
  let count = 0;
  try {
    for (const rule of Array.from(sheet?.cssRules ?? [])) count += rule instanceof CSSImportRule ? writtenRules(rule.styleSheet) : 1;
  } catch {
    return 1; // another site's sheet, unreadable: rrweb keeps its @import as it is
  }
  return count;
}

/**
 * Sends, for each of the page's stylesheets that imports another under a condition (a layer, a
 * media query, `supports()`), where that sheet's rules are in what rrweb wrote and the condition:
 * the agent's view puts them back under it (a layer the page's own layers override, rules only
 * for print). Taken with each snapshot; sheets added later are not described.
 */
export function sendConditionalImports(recorder: Pick<Recorder, 'id' | 'custom'>): void {
  const sheets: { id: number; imports: ConditionalImport[] }[] = [];
  for (const sheet of Array.from(document.styleSheets)) {
    const id = sheet.ownerNode ? recorder.id(sheet.ownerNode) : -1;
    if (id < 1) continue;
    const imports: ConditionalImport[] = [];
    let at = 0;
    try {
      for (const rule of Array.from(sheet.cssRules)) {
        if (!(rule instanceof CSSImportRule)) {
          at++;
          continue;
        }
        const rules = writtenRules(rule.styleSheet);
        const media = rule.media.mediaText;
        if (rule.layerName !== null || media || rule.supportsText)
          imports.push({
            at,
            rules,
            ...(rule.layerName !== null && { layer: rule.layerName }),
            ...(media && { media }),
            ...(rule.supportsText && { supports: rule.supportsText }),
          });
        at += rules;
      }
    } catch {
      continue; // another site's sheet: rrweb did not write its rules
    }
    if (imports.length) sheets.push({ id, imports });
  }
  if (sheets.length) recorder.custom(CONDITIONAL_IMPORTS_EVENT_TAG, { sheets });
}
