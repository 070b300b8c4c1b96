/**
 * Builds the widget's elements with createElement and text nodes, never from HTML strings:
 * pages that enforce Trusted Types refuse every HTML string (innerHTML throws there).
 */
export function h(tag: string, attributes?: Record<string, string> | null, ...children: (Node | string)[]): HTMLElement {
  const element = /^(svg|path)$/.test(tag) ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const name in attributes) element.setAttribute(name, attributes[name]!);
  element.append(...children);
  return element as HTMLElement;
}

/** A button of the widget: `type=button`, its class and its data-testid. */
export const button = (className: string, testId: string, ...children: (Node | string)[]) =>
  h('button', { type: 'button', class: className, 'data-testid': testId }, ...children) as HTMLButtonElement;

/** An 18 px line icon drawn by one SVG path, hidden from screen readers. */
export const icon = (d: string) =>
  h(
    'svg',
    {
      width: '18',
      height: '18',
      viewBox: '0 0 24 24',
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': '2',
      'stroke-linecap': 'round',
      'stroke-linejoin': 'round',
      'aria-hidden': 'true',
    },
    h('path', { d }),
  );
