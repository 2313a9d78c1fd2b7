import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Stats } from '#warden/contracts';

const sum = (series: Record<string, number[]>, length: number) =>
  Array.from({ length }, (_, minute) => Object.values(series).reduce((total, counts) => total + (counts[minute] ?? 0), 0));

/** Attempts (successes, failures) and bans (imposed, escalated) per minute over the stats' window. */
export function PerMinuteChart({ stats }: { stats: Stats }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  const data = (): uPlot.AlignedData => {
    const length = stats.minutes.length;
    return [
      stats.minutes.map((minute) => Date.parse(minute) / 1_000),
      stats.attempts.success ?? new Array(length).fill(0),
      stats.attempts.failure ?? new Array(length).fill(0),
      sum(stats.bansImposed, length),
      sum(stats.bansEscalated, length),
    ];
  };

  useEffect(() => {
    const element = box.current!;
    const width = () => Math.max(280, element.clientWidth);
    plot.current = new uPlot(
      {
        width: width(),
        height: 220,
        series: [
          {},
          { label: 'successes', stroke: '#3a8f5c', width: 1.5 },
          { label: 'failures', stroke: '#c9822b', width: 1.5 },
          { label: 'bans', stroke: '#c23b3b', width: 2, scale: 'bans' },
          { label: 'escalations', stroke: '#7b4bc4', width: 1.5, dash: [4, 3], scale: 'bans' },
        ],
        axes: [{}, { label: 'attempts / min', size: 50 }, { side: 1, scale: 'bans', label: 'bans / min', grid: { show: false }, size: 40 }],
        scales: { bans: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      },
      data(),
      element,
    );
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: width(), height: 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
    };
  }, []);

  useEffect(() => plot.current?.setData(data()), [stats]);

  return <div ref={box} class="chart" data-testid="per-minute-chart" />;
}
