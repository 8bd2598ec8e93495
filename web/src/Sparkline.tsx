// A KPI's last reported values as a small inline SVG line (no chart library; SVG attributes only, so the
// page's CSP, which allows no inline styles, holds). The target, when there is one, is a dashed line on
// the same scale, so the gap left to close is seen at a glance. Its words are in its aria-label.
import { num } from './numbers';

const W = 96;
const H = 28;
const PAD = 3;

interface Props {
  metric: string;
  values: readonly number[];
  target: number | null;
}

export function sparkPoints(values: readonly number[], target: number | null): { points: [number, number][]; targetY: number | null } {
  const all = target === null ? values : [...values, target];
  const min = Math.min(...all);
  const max = Math.max(...all);
  const y = (v: number) => (max === min ? H / 2 : PAD + (H - 2 * PAD) * (1 - (v - min) / (max - min)));
  const x = (i: number) => (values.length === 1 ? W / 2 : PAD + ((W - 2 * PAD) * i) / (values.length - 1));
  return { points: values.map((v, i) => [round(x(i)), round(y(v))]), targetY: target === null ? null : round(y(target)) };
}

const round = (n: number) => Math.round(n * 10) / 10;

export function Sparkline({ metric, values, target }: Props) {
  if (values.length === 0) return null;
  const { points, targetY } = sparkPoints(values, target);
  const last = points[points.length - 1]!;
  const label = `${metric}, the last ${values.length === 1 ? 'report' : `${values.length} reports`}: ${values.map(num).join(', ')}${target !== null ? `; target ${num(target)}` : ''}`;
  return (
    <svg class="sparkline" role="img" aria-label={label} viewBox={`0 0 ${W} ${H}`} width={W} height={H}>
      {targetY !== null && <line class="spark-target" x1={0} x2={W} y1={targetY} y2={targetY} />}
      {points.length > 1 && <polyline class="spark-line" points={points.map((p) => p.join(',')).join(' ')} />}
      <circle class="spark-dot" cx={last[0]} cy={last[1]} r={2.5} />
    </svg>
  );
}
