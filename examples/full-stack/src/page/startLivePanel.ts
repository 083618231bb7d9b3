/** The live panel refreshes this often while the endpoint answers. */
const REFRESH_MS = 1_000;

/**
 * The header's live panel (trades/s, clients, p99) from the local server's `/healthz`, once a
 * second. Where there is no such endpoint (the deployed site: CloudFront answers 404, or an
 * HTML error page), every `[data-local-only]` element (the figures, the footer's local endpoints)
 * is hidden and polling stops, instead of showing dashes forever.
 * A failed request (the server is restarting) keeps the last values and tries again.
 */
export function startLivePanel(): void {
  const figures = [...document.querySelectorAll<HTMLElement>('[data-health]')];
  const integer = new Intl.NumberFormat('en-US');
  const show = (health: Record<string, number | undefined>): void => {
    for (const figure of figures) {
      const value = health[figure.dataset.health ?? ''];
      figure.textContent =
        typeof value === 'number' && Number.isFinite(value)
          ? integer.format(Math.round(value))
          : '–';
    }
  };
  const hide = (): void => {
    for (const local of document.querySelectorAll<HTMLElement>('[data-local-only]'))
      local.hidden = true;
    clearInterval(timer);
  };
  const refresh = async (): Promise<void> => {
    let response: Response;
    try {
      response = await fetch('/healthz', { cache: 'no-store' });
    } catch {
      return; // The status indicator already shows a lost connection.
    }
    const isJson = response.headers.get('content-type')?.includes('application/json') ?? false;
    if (response.status === 404 || !isJson) return hide();
    try {
      show((await response.json()) as Record<string, number | undefined>);
    } catch {
      hide();
    }
  };
  const timer = setInterval(refresh, REFRESH_MS);
  void refresh();
}
