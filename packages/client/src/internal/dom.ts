/** Creates an element with a class and an optional `part`. */
export function element(tag: string, className: string, part?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (part) node.setAttribute('part', part);
  return node;
}

/** Creates a text node; the animation writes its `data` directly. */
export function text(data: string): Text {
  return document.createTextNode(data);
}
