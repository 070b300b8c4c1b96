/** The live round-trip time of the customer's connection (`text` says it), small under the session ID. */
export function showRtt(shadow: ShadowRoot, text: string): void {
  let line = shadow.querySelector<HTMLElement>('.rtt');
  if (!line) {
    line = document.createElement('div');
    line.className = 'rtt';
    line.dataset.testid = 'cobrowse-rtt';
    line.style.cssText = 'font-size:11px;color:#57606a;margin:-4px 0 8px';
    shadow.querySelector('.id')?.after(line);
  }
  line.textContent = text;
}
