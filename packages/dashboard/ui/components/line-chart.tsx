// A uPlot chart that follows its container's width and takes new data without being rebuilt.

import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  /** Bars instead of a line. */
  bars?: boolean;
  /** Holds each value until the next (a quantity that changes only at the given x values). */
  stepped?: boolean;
}

export interface LineChartProps {
  /** x values: epoch seconds when `time`, else plain numbers (steps). */
  x: number[];
  series: ChartSeries[];
  ariaLabel: string;
  time?: boolean;
  height?: number;
  xLabel?: string;
  yLabel?: string;
  /** Formats y values on the axis and in the legend. */
  formatY?: (value: number) => string;
  /** x values are whole numbers (steps): no ticks between them. */
  integerX?: boolean;
  testId?: string;
}

const AXIS = {
  stroke: '#4a5360',
  grid: { stroke: '#e6e9ee', width: 1 },
  ticks: { stroke: '#d5dae1', width: 1 },
};
const WHOLE_INCREMENTS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000,
];

export function LineChart(props: LineChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const { x, series, time = false, height = 240 } = props;
  const shape = `${time}|${height}|${series.map((s) => `${s.label}:${s.color}:${s.bars === true}:${s.stepped === true}`).join('|')}`;
  const data = (): uPlot.AlignedData => [x, ...series.map((s) => s.values)];

  // Rebuilt only when the series change; new data goes through setData below.
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const format = props.formatY;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height,
      scales: { x: { time } },
      // A single series is named by the heading above the chart; several need their key.
      legend: { show: series.length > 1, live: true },
      cursor: { drag: { x: false, y: false } },
      axes: [
        {
          ...AXIS,
          ...(props.xLabel ? { label: props.xLabel } : {}),
          ...(props.integerX ? { incrs: WHOLE_INCREMENTS } : {}),
        },
        {
          ...AXIS,
          ...(props.yLabel ? { label: props.yLabel } : {}),
          ...(format ? { values: (_u: uPlot, ticks: number[]) => ticks.map(format) } : {}),
          size: 56,
        },
      ],
      series: [
        { label: time ? 'time' : (props.xLabel ?? 'x') },
        ...series.map(
          (s): uPlot.Series => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            ...(s.bars
              ? {
                  fill: `${s.color}99`,
                  paths: uPlot.paths.bars!({ size: [0.85, 40] }),
                  points: { show: false },
                }
              : { points: { show: x.length < 30 } }),
            ...(s.stepped ? { paths: uPlot.paths.stepped!({ align: 1 }) } : {}),
            ...(format ? { value: (_u: uPlot, v: number | null) => (v === null ? '–' : format(v)) } : {}),
          }),
        ),
      ],
    };
    const chart = new uPlot(options, data(), element);
    plot.current = chart;
    const resize = new ResizeObserver(() => {
      chart.setSize({ width: Math.max(element.clientWidth, 200), height });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(data());
  }, [x, series]);

  return <div class="chart" ref={box} role="img" aria-label={props.ariaLabel} data-testid={props.testId} />;
}
