import type { ChartTheme } from './ChartView.js';

/**
 * The chart's colours from the element's CSS custom properties, resolved to `rgb()` by the
 * browser (a canvas takes no `var()`, and lightweight-charts parses colours itself).
 */
export function readTheme(host: HTMLElement, probe: HTMLElement): ChartTheme {
  const style = getComputedStyle(host);
  const resolve = (name: string, alpha = 1) => {
    probe.style.color = style.getPropertyValue(name).trim();
    const [r = 0, g = 0, b = 0] = (getComputedStyle(probe).color.match(/[\d.]+/g) ?? []).map(
      Number,
    );
    return alpha === 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;
  };
  return {
    background: resolve('--_bg'),
    text: resolve('--_fg'),
    grid: resolve('--_border'),
    up: resolve('--_up'),
    down: resolve('--_down'),
    volumeUp: resolve('--_up', 0.4),
    volumeDown: resolve('--_down', 0.4),
    font: style.fontFamily,
  };
}
