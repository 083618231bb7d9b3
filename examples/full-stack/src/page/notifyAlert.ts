/** Most toasts shown at once; when full, the oldest goes first. */
const MAX_TOASTS = 5;
/** How long a toast stays, ms: long enough to read one line. */
const TOAST_MS = 8_000;

/**
 * Tells the user: a browser notification when they allowed it, else a toast in `toasts` (an
 * `aria-live` region, so screen readers announce it too).
 */
export function notifyAlert(text: string, toasts: HTMLElement | null): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
    new Notification('market-stream alert', { body: text, tag: text });
    return;
  }
  if (!toasts) return;
  while (toasts.childElementCount >= MAX_TOASTS) toasts.firstElementChild?.remove();
  const toast = document.createElement('div');
  toast.className = 'toast';
  toast.textContent = text;
  toasts.append(toast);
  setTimeout(() => toast.remove(), TOAST_MS);
}
