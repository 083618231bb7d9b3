import { themeVars } from '../internal/themeVars.js';

/**
 * Styles of `<ticker-chart>`: the theme of `<ticker-grid>` and `<ticker-tape>` (`--ticker-bg`,
 * `--ticker-fg`, `--ticker-up`, … with the same defaults), so one theme styles every element.
 */
export const chartStyles = `
:host {
${themeVars}
  display: block; position: relative; box-sizing: border-box;
  height: var(--ticker-chart-height, 360px);
  color: var(--_fg); background: var(--_bg);
  border: 1px solid var(--_border); border-radius: var(--_radius); overflow: hidden;
  contain: strict;
}
:host([hidden]) { display: none; }
.legend {
  position: absolute; top: 8px; left: 12px; z-index: 3; pointer-events: none;
  display: flex; gap: 10px; align-items: baseline; font-size: 12px; color: var(--_muted);
}
.legend .symbol { font-size: 13px; font-weight: 650; letter-spacing: 0.06em; color: var(--_fg); }
.legend[data-trend="up"] .close { color: var(--_up); }
.legend[data-trend="down"] .close { color: var(--_down); }
.chart { position: absolute; inset: 0; }
.error {
  position: absolute; bottom: 10px; left: 12px; right: 12px; z-index: 3; font-size: 12px;
  color: var(--_down);
}
.error[hidden] { display: none; }
.probe { position: absolute; visibility: hidden; }
`;
