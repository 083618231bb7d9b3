import type { RecoveryReport } from '../client/types.js';
import { element } from './dom.js';

/**
 * The short line a ticker element shows after a reconnect: "Reconnected, 1,204 trades
 * recovered", or "Reconnected; 3 symbols could not be recovered" (both when both), for
 * `visibleMs`, then hidden (`hidden`: out of the accessibility tree too). Part `notice`, plus
 * `unrecovered` when symbols were lost. A symbol whose sequence started again (`AHEAD`) or that
 * a `latest`-mode connection never recovers (`LATEST`) lost nothing the user could get back,
 * so it is not counted.
 */
export class RecoveryNotice {
  readonly node: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly visibleMs: number) {
    this.node = element('div', 'notice', 'notice');
    this.node.setAttribute('role', 'status');
    this.node.hidden = true;
  }

  /** Shows the line for `report` (restarting the time it stays). */
  show(report: RecoveryReport, locale: string | undefined): void {
    const lost = report.unrecovered.filter(
      ({ reason }) => reason !== 'AHEAD' && reason !== 'LATEST',
    ).length;
    const count = (n: number, one: string) =>
      `${new Intl.NumberFormat(locale).format(n)} ${n === 1 ? one : `${one}s`}`;
    const recovered = `Reconnected, ${count(report.total, 'trade')} recovered`;
    this.node.textContent =
      lost === 0
        ? recovered
        : `${report.total > 0 ? recovered : 'Reconnected'}; ${count(lost, 'symbol')} could not be recovered`;
    this.node.part.toggle('unrecovered', lost > 0);
    this.node.toggleAttribute('unrecovered', lost > 0);
    this.node.hidden = false;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.hide(), this.visibleMs);
  }

  /** Hides the line at once (its element left the page). */
  hide(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.node.hidden = true;
  }
}
