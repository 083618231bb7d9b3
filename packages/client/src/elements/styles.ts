import { themeVars } from '../internal/themeVars.js';

/** Theme shared by both elements: dark by default, every colour a custom property. */
const theme = `
:host {
${themeVars}
color: var(--_fg);
background: var(--_bg);
}
:host([hidden]) { display: none; }
:host { position: relative; }
.notice {
position: absolute; top: 6px; right: 8px; z-index: 1; max-width: calc(100% - 16px);
padding: 3px 10px; border: 1px solid var(--_border); border-radius: 999px;
font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
color: var(--_fg); background: var(--_surface); pointer-events: none;
animation: notice-in 200ms ease-out;
}
.notice[hidden] { display: none; }
.notice[unrecovered] { color: #e3b341; }
@keyframes notice-in { from { opacity: 0; } }
@media (prefers-reduced-motion: reduce) { .notice { animation: none; } }
[data-trend="up"] .change { color: var(--_up); }
[data-trend="down"] .change { color: var(--_down); }
.flash { position: absolute; inset: 0; opacity: 0; pointer-events: none; }
.flash.up { background: var(--_up); }
.flash.down { background: var(--_down); }
`;

/**
 * Styles of `<ticker-grid>` (comments live here, not in the CSS, which ships as is):
 * - `grid-auto-flow: dense`: the cards after the full-width detail fill the selected card's row,
 *   so the detail opens below that row.
 * - `content-visibility: auto`: off-screen tickers (a grid of 100+) skip rendering until
 *   scrolled into view.
 * - The card's background is flat on purpose: the flash repaints the cell every frame while it
 *   fades, and a gradient under it made that repaint the costliest step of a frame without a
 *   GPU (dropped frames).
 * - Below 600 px of the element's width (a container query) the grid is a one-column watchlist.
 */
export const gridStyles = `${theme}
:host { display: block; padding: var(--ticker-gap, 12px); box-sizing: border-box; container-type: inline-size; }
.grid {
display: grid;
grid-template-columns: repeat(auto-fill, minmax(var(--ticker-min-width, 168px), 1fr));
grid-auto-flow: row dense;
gap: var(--ticker-gap, 12px);
}
.detail { grid-column: 1 / -1; }
.detail[hidden] { display: none; }
.cell {
position: relative;
overflow: hidden;
contain: layout paint style;
content-visibility: auto;
contain-intrinsic-size: auto 104px;
padding: 14px 16px 12px;
border: 1px solid var(--_border);
border-radius: var(--_radius);
background: var(--_surface);
box-shadow: 0 1px 0 rgba(255,255,255,0.04) inset;
transition: opacity 300ms;
cursor: pointer;
}
.cell:focus-visible, .cell[aria-selected="true"] { outline: 2px solid var(--ticker-accent, #58a6ff); outline-offset: -2px; }
.badge {
font-size: 11px; padding: 1px 6px; border-radius: 999px; color: var(--_fg); background: var(--_border);
white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 50%;
}
.spark { display: block; width: 100%; height: 28px; margin-top: 6px; }
.head { display: flex; align-items: center; justify-content: space-between; gap: 8px; position: relative; }
.symbol { font-size: 13px; font-weight: 600; letter-spacing: 0.06em; color: var(--_muted); }
.stale-marker {
font-size: 10px; font-weight: 700; letter-spacing: 0.08em; text-transform: uppercase;
padding: 2px 6px; border-radius: 999px; color: #e3b341; background: rgba(227,179,65,0.12);
opacity: 0;
}
.price {
display: block; position: relative; margin: 6px 0 4px; transform-origin: left center;
font-size: var(--ticker-price-size, 26px); font-weight: 600; letter-spacing: -0.01em;
}
.change { position: relative; font-size: 13px; color: var(--_muted); display: flex; gap: 8px; }
:host([status="reconnecting"]) .cell, :host([status="connecting"]) .cell { opacity: 0.6; }
.cell[stale] .price, .cell[stale] .change { opacity: 0.45; }
.cell[stale] .stale-marker { opacity: 1; }
@container (max-width: 600px) {
.grid { grid-template-columns: 1fr; gap: 4px; }
.cell {
display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) auto 4.6em; align-items: center; gap: 8px;
padding: 8px 12px; contain-intrinsic-size: auto 40px; border-radius: 8px;
}
.price { grid-column: 3; margin: 0; font-size: 17px; text-align: right; }
.change { grid-column: 4; justify-content: flex-end; }
.change .abs { display: none; }
.spark { grid-area: 1 / 2; height: 22px; margin: 0; }
.head { justify-content: flex-start; min-width: 0; }
}
`;

/** Styles of `<ticker-tape>`. */
export const tapeStyles = `${theme}
:host { display: block; overflow: hidden; border-block: 1px solid var(--_border); }
.viewport { overflow: hidden; }
.track {
display: flex; width: max-content;
animation: tape var(--_duration, 40s) linear infinite;
will-change: transform;
}
.viewport:hover .track { animation-play-state: paused; }
.group { display: flex; }
.item { position: relative; display: flex; align-items: baseline; gap: 8px; padding: 10px 22px; white-space: nowrap; font-size: 15px; }
.item .symbol { font-weight: 700; letter-spacing: 0.04em; }
.item .price { font-weight: 500; }
.item .change { font-size: 13px; }
.item[stale] .price, .item[stale] .change { opacity: 0.45; }
.item::after { content: ""; position: absolute; right: 0; top: 30%; bottom: 30%; border-right: 1px solid var(--_border); }
@keyframes tape { from { transform: translateX(0); } to { transform: translateX(-50%); } }
@media (prefers-reduced-motion: reduce) {
.track { animation: none; }
.viewport { overflow-x: auto; }
}
`;
