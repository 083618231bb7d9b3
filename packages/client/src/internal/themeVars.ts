/**
 * The theme every element shares, as `:host` declarations: the public custom properties
 * (`--ticker-bg`, `--ticker-up`, …) with their dark defaults, read through private `--_*` names,
 * and the font. One copy, so a theme styles the grid, the tape and the chart alike.
 * @internal
 */
export const themeVars = `--_bg: var(--ticker-bg, #0b0e14);
--_surface: var(--ticker-surface, #121821);
--_border: var(--ticker-border, #1f2733);
--_fg: var(--ticker-fg, #e6edf3);
--_muted: var(--ticker-muted, #7d8794);
--_up: var(--ticker-up, #2fbf71);
--_down: var(--ticker-down, #f0524d);
--_radius: var(--ticker-radius, 12px);
font-family: var(--ticker-font, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
font-variant-numeric: tabular-nums;`;
