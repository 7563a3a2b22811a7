/**
 * Every widget that cannot load or compute what it shows says so in the page (role=alert)
 * instead of going blank; one place so that every chapter's widgets behave alike.
 */
export function showWidgetError(root: HTMLElement, message: string): void {
  let box = root.querySelector<HTMLElement>(':scope > .widget-error') ?? root.querySelector<HTMLElement>('.widget-error');
  if (!box) {
    box = document.createElement('p');
    box.className = 'widget-error';
    box.setAttribute('role', 'alert');
    const title = root.querySelector(':scope > .widget-title');
    if (title) title.after(box);
    else root.append(box);
  }
  box.textContent = message;
  root.dataset.state = 'error';
}
