import type { Bar } from '@market-stream/core';
import {
  CandlestickSeries,
  ColorType,
  createChart,
  HistogramSeries,
  type IChartApi,
  type ISeriesApi,
  LineSeries,
  type SeriesType,
  type UTCTimestamp,
} from 'lightweight-charts';

/** Colours read from the element's CSS custom properties (a canvas cannot use `var()`). */
export interface ChartTheme {
  background: string;
  text: string;
  grid: string;
  up: string;
  down: string;
  /** `up` and `down`, translucent, for the volume bars. */
  volumeUp: string;
  volumeDown: string;
  font: string;
}

/** How bars are drawn: candles (with volume) or a line of closes (with volume). */
export type ChartType = 'candles' | 'line';

const time = (bar: Bar) => (bar.start / 1_000) as UTCTimestamp;

/**
 * The lightweight-charts chart of one element: a price series (candles or line) over a volume
 * histogram. Fed whole bar lists (`show`) and the newest bar (`update`); never an older one.
 */
export class ChartView {
  private readonly chart: IChartApi;
  private price: ISeriesApi<SeriesType>;
  private readonly volume: ISeriesApi<'Histogram'>;

  constructor(
    container: HTMLElement,
    private theme: ChartTheme,
    private type: ChartType,
    reducedMotion: boolean,
  ) {
    this.chart = createChart(container, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: theme.background },
        textColor: theme.text,
        fontFamily: theme.font,
        attributionLogo: true,
      },
      grid: { vertLines: { color: theme.grid }, horzLines: { color: theme.grid } },
      timeScale: { timeVisible: true, secondsVisible: false, borderColor: theme.grid },
      rightPriceScale: { borderColor: theme.grid },
      // Reduced motion: no momentum scrolling after a drag or swipe.
      kineticScroll: reducedMotion ? { touch: false, mouse: false } : { touch: true, mouse: false },
    });
    this.volume = this.chart.addSeries(HistogramSeries, {
      priceScaleId: '',
      priceFormat: { type: 'volume' },
      lastValueVisible: false,
      priceLineVisible: false,
    });
    this.volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    this.price = this.addPrice();
  }

  /** Draws `bars` (oldest first) in place of everything drawn. */
  show(bars: readonly Bar[]): void {
    this.price.setData(bars.map((bar) => this.pricePoint(bar)));
    this.volume.setData(bars.map((bar) => this.volumePoint(bar)));
    this.chart.timeScale().fitContent();
  }

  /** Updates the newest bar, or appends it when it is newer than every bar drawn. */
  update(bar: Bar): void {
    this.price.update(this.pricePoint(bar));
    this.volume.update(this.volumePoint(bar));
  }

  /** Switches between candles and a line, keeping the bars. */
  setType(type: ChartType, bars: readonly Bar[]): void {
    if (type === this.type) return;
    this.type = type;
    this.chart.removeSeries(this.price);
    this.price = this.addPrice();
    this.show(bars);
  }

  remove(): void {
    this.chart.remove();
  }

  private addPrice(): ISeriesApi<SeriesType> {
    const { up, down } = this.theme;
    if (this.type === 'line') return this.chart.addSeries(LineSeries, { color: up, lineWidth: 2 });
    return this.chart.addSeries(CandlestickSeries, {
      upColor: up,
      downColor: down,
      borderUpColor: up,
      borderDownColor: down,
      wickUpColor: up,
      wickDownColor: down,
    });
  }

  private pricePoint(bar: Bar) {
    if (this.type === 'line') return { time: time(bar), value: bar.close };
    const { open, high, low, close } = bar;
    return { time: time(bar), open, high, low, close };
  }

  private volumePoint(bar: Bar) {
    const color = bar.close >= bar.open ? this.theme.volumeUp : this.theme.volumeDown;
    return { time: time(bar), value: bar.volume, color };
  }
}
