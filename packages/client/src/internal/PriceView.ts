import { DEFAULT_ANIMATION } from '../defaults.js';
import type { Animated, AnimationLoop } from './AnimationLoop.js';
import type { Formatters } from './formatters.js';

/** The DOM nodes one ticker draws into; all optional but `price`. */
export interface PriceNodes {
  /** The element whose class/attributes carry the trend (`data-trend="up|down|flat"`). */
  root: HTMLElement;
  /** The text node of the price. */
  price: Text;
  /** The element scaled for the pulse. */
  pulse?: HTMLElement;
  /** Text nodes of the change and % change since the first price. */
  change?: Text;
  percent?: Text;
  /** Overlays whose opacity flashes on an up-tick / down-tick. */
  flashUp?: HTMLElement;
  flashDown?: HTMLElement;
}

/** Tunables of a {@link PriceView}, see `DEFAULT_ANIMATION`. */
export interface PriceViewOptions {
  durationMs: number;
  flashMs: number;
  pulseScale: number;
}

const FLASH_OPACITY = 0.24;

/**
 * Style values are drawn from small tables of ready strings: a frame allocates no strings (so
 * 200 animating tickers do not feed the garbage collector 400 strings a frame), and a write is
 * skipped when the step has not changed. Steps are 1/100 of opacity and of scale: the eye does
 * not tell them apart from finer ones, and they halve the style writes of a frame. The pulse
 * (0.04 of scale) takes 4 writes instead of one per frame: its writes were about half the
 * script time of a frame with 200 animating tickers (CPU profile of the client bench).
 */
const OPACITY_STEPS = 100;
const SCALE_STEPS = 100;

/** A table of each step's style string, filled on first use. */
function styleTable(text: (step: number) => string): (step: number) => string {
  const texts: string[] = [];
  return (step) => (texts[step] ??= text(step));
}

const opacityAt = styleTable((step) => (step === 0 ? '0' : String(step / OPACITY_STEPS)));
const transformAt = styleTable((step) => (step === 0 ? '' : `scale(${1 + step / SCALE_STEPS})`));

const easeOutCubic = (t: number) => 1 - (1 - t) ** 3;

/**
 * One animated price. `update()` sets a new target and asks the shared loop for frames;
 * `frame()` writes only text, `transform` and `opacity`, and never reads layout. Text is
 * written only when the displayed cents change.
 */
export class PriceView implements Animated {
  private first: number | undefined;
  private from = 0;
  private to = 0;
  private shown = Number.NaN;
  private start = -1;
  private flashStart = -1;
  private flash: HTMLElement | undefined;
  private flashStep = 0;
  private trend = '';
  private scaleStep = 0;
  private drawnTarget = Number.NaN;

  constructor(
    private readonly nodes: PriceNodes,
    private readonly loop: AnimationLoop,
    private readonly format: Formatters,
    private readonly options: PriceViewOptions = DEFAULT_ANIMATION,
  ) {}

  /** The price the view is heading to, if any arrived. */
  get target(): number | undefined {
    return this.first === undefined ? undefined : this.to;
  }

  /** Sets a new price; eases from what is on screen now, flashes by direction. */
  update(price: number): void {
    if (this.first === undefined) {
      this.first = price;
      this.from = this.to = price;
      this.start = -1;
      this.loop.request(this);
      return;
    }
    if (price === this.to) return;
    const up = price > this.to;
    this.from = Number.isNaN(this.shown) ? this.to : this.shown;
    this.to = price;
    this.start = -1;
    const flash = up ? this.nodes.flashUp : this.nodes.flashDown;
    if (flash && !this.loop.reducedMotion) {
      const other = up ? this.nodes.flashDown : this.nodes.flashUp;
      if (other && other === this.flash) other.style.opacity = '0';
      this.flash = flash;
      this.flashStart = -1;
      // A fresh flash always writes its first step, even onto a node that was mid-fade.
      this.flashStep = -1;
    }
    this.loop.request(this);
  }

  frame(now: number): boolean {
    if (this.loop.reducedMotion) {
      this.jump();
      return false;
    }
    if (this.start < 0) this.start = now;
    const t = Math.min(1, (now - this.start) / this.options.durationMs);
    this.draw(this.from + (this.to - this.from) * easeOutCubic(t));
    if (this.nodes.pulse) {
      const step = Math.round((this.options.pulseScale - 1) * (1 - t) * SCALE_STEPS);
      if (step !== this.scaleStep) {
        this.scaleStep = step;
        this.nodes.pulse.style.transform = transformAt(step);
      }
    }
    if (this.flash) {
      if (this.flashStart < 0) this.flashStart = now;
      const f = Math.min(1, (now - this.flashStart) / this.options.flashMs);
      const step = Math.round(FLASH_OPACITY * (1 - f) ** 2 * OPACITY_STEPS);
      if (step !== this.flashStep) {
        this.flashStep = step;
        this.flash.style.opacity = opacityAt(step);
      }
      if (step === 0) this.flash = undefined;
    }
    return t < 1 || this.flash !== undefined;
  }

  jump(): void {
    if (this.first === undefined) return;
    this.draw(this.to);
    if (this.nodes.pulse && this.scaleStep !== 0) {
      this.scaleStep = 0;
      this.nodes.pulse.style.transform = '';
    }
    if (this.flash) {
      this.flash.style.opacity = '0';
      this.flash = undefined;
      this.flashStep = 0;
    }
  }

  private draw(value: number): void {
    const cents = Math.round(value * 100);
    if (cents !== Math.round(this.shown * 100)) {
      setText(this.nodes.price, this.format.cents(cents));
    }
    this.shown = value;
    if (this.drawnTarget === this.to || this.first === undefined) return;
    this.drawnTarget = this.to;
    const delta = this.to - this.first;
    // Memoized by cents and basis points: an Intl format call per update was a visible share
    // of a frame with 200 tickers.
    if (this.nodes.change) setText(this.nodes.change, this.format.change(Math.round(delta * 100)));
    if (this.nodes.percent) {
      setText(this.nodes.percent, this.format.percent(Math.round((delta / this.first) * 10_000)));
    }
    const trend = delta > 0 ? 'up' : delta < 0 ? 'down' : 'flat';
    // An attribute write only when the sign changes, which is rare next to price ticks.
    if (trend !== this.trend) {
      this.trend = trend;
      this.nodes.root.dataset.trend = trend;
    }
  }
}

function setText(node: Text, text: string): void {
  if (node.data !== text) node.data = text;
}
