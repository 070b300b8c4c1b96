// Scripts the mutation-storm benchmark runs inside the pages, as strings: the TypeScript loader
// would wrap a function's inner names in a helper that does not exist in the page.

/** The storms, in the order one round runs them; each starts from what the one before left. */
export const WORKLOADS = ['add', 'nested', 'move', 'reclass', 'remove'] as const;
export type Workload = (typeof WORKLOADS)[number];

/** How many nodes the storms touch: a list of 10,000 items, a tree of 6 × 6 × 6 × 6 × 6 (9,330) and a 200-deep chain. */
export const ITEMS = 10_000;

/**
 * `window.benchSignature(root)`: the element count under `root` and a hash of every element's tag,
 * class, child count and own text in document order — equal exactly when two trees have the same
 * shape, classes and text. Installed in the customer's page and in the agent's.
 */
export const INSTALL_SIGNATURE = `(() => {
  window.benchSignature = (root) => {
    const all = root.getElementsByTagName('*');
    let hash = 2166136261;
    for (let i = 0; i < all.length; i++) {
      const element = all[i];
      // Each element's own text (its direct text nodes), so a replay missing text does not match.
      let text = '';
      for (let node = element.firstChild; node; node = node.nextSibling) if (node.nodeType === 3) text += node.data;
      const key = element.tagName + '.' + (element.getAttribute('class') || '') + ':' + element.childElementCount + '"' + text + '";';
      for (let c = 0; c < key.length; c++) hash = Math.imul(hash ^ key.charCodeAt(c), 16777619);
    }
    return { count: all.length, hash: hash >>> 0 };
  };
})()`;

/**
 * `window.benchStorm`: the storms on the customer's page. `expect(name)` plays one on a detached
 * copy of `#stage` and returns the signature the agent's replay must reach; `run(name)` notes the
 * time, then plays it on the page in one task and returns that time.
 */
export const INSTALL_STORMS = `(() => {
  const ITEMS = ${ITEMS};
  const storms = {
    reset(root) { root.replaceChildren(); },
    add(root) {
      const list = root.ownerDocument.createElement('ul');
      list.id = 'list';
      root.append(list);
      for (let i = 0; i < ITEMS; i++) {
        const item = root.ownerDocument.createElement('li');
        item.className = 'item';
        item.textContent = 'Payment ' + i;
        list.append(item);
      }
    },
    nested(root) {
      const doc = root.ownerDocument;
      const grow = (parent, depth) => {
        if (depth === 5) return;
        for (let i = 0; i < 6; i++) {
          const child = doc.createElement(depth % 2 ? 'div' : 'section');
          child.className = 'level-' + depth;
          if (depth === 4) child.textContent = 'Leaf ' + i;
          parent.append(child);
          grow(child, depth + 1);
        }
      };
      const tree = doc.createElement('div');
      tree.className = 'tree';
      grow(tree, 0);
      let link = tree;
      for (let i = 0; i < 200; i++) {
        const next = doc.createElement('div');
        next.className = 'chain';
        link.append(next);
        link = next;
      }
      root.append(tree);
    },
    move(root) {
      const doc = root.ownerDocument;
      const groups = [];
      for (let g = 0; g < 10; g++) {
        const group = doc.createElement('section');
        group.className = 'group';
        root.append(group);
        groups.push(group);
      }
      const items = [...root.querySelectorAll('.item')];
      items.forEach((item, i) => groups[i % 10].append(item));
    },
    reclass(root) {
      root.querySelectorAll('.item').forEach((item, i) => (item.className = i % 2 ? 'item odd' : 'item even'));
    },
    remove(root) {
      root.querySelectorAll('.item').forEach((item) => item.remove());
      root.querySelector('.tree').remove();
    },
  };
  const stage = () => document.getElementById('stage');
  window.benchStorm = {
    expect(name) {
      const copy = stage().cloneNode(true);
      storms[name](copy);
      return window.benchSignature(copy);
    },
    run(name) {
      const at = performance.timeOrigin + performance.now();
      storms[name](stage());
      return at;
    },
  };
})()`;

/**
 * In the agent's page (the product's /agent or rrweb alone's replay tab): resolves with the time
 * the replay iframe's `#stage` first held `expected` — the moment of the DOM change that completed
 * it, seen by a MutationObserver in the iframe; its signature is checked on the next animation
 * frame (the element count first, the hash only when the count matches). Null after `timeoutMs`.
 */
export const WATCH_REPLAY = `((expected, timeoutMs) => new Promise((resolve) => {
  const view = document.querySelector('[data-testid=cobrowse-view]');
  const started = performance.now();
  let observed = null, observer = null, changedAt = performance.timeOrigin + performance.now(), dirty = true;
  const tick = () => {
    const doc = view.querySelector('iframe')?.contentDocument;
    if (doc && doc !== observed) {
      observer?.disconnect();
      // This page's observer: the sandboxed iframe runs no script, its own observer's callbacks included.
      observer = new MutationObserver(() => {
        changedAt = performance.timeOrigin + performance.now();
        dirty = true;
      });
      observer.observe(doc, { subtree: true, childList: true, attributes: true, characterData: true });
      observed = doc;
      dirty = true;
    }
    const stage = doc?.getElementById('stage');
    if (dirty && stage) {
      dirty = false;
      if (stage.getElementsByTagName('*').length === expected.count) {
        const now = window.benchSignature(stage);
        if (now.hash === expected.hash) {
          observer.disconnect();
          return resolve(changedAt);
        }
      }
    }
    if (performance.now() - started > timeoutMs) {
      observer?.disconnect();
      return resolve(null);
    }
    requestAnimationFrame(tick);
  };
  tick();
}))`;
