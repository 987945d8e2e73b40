import type { DayUsage } from '../api.js';

// BigDesign theme colours (primary40, warning40, secondary30, secondary60), so the chart matches the components.
const BAR = '#3C64F4';
const THROTTLED = '#FFBF00';
const AXIS = '#D9DCE9';
const LABEL = '#5E637A';

const WIDTH = 280;
const HEIGHT = 110;
const LABEL_HEIGHT = 18;

const weekday = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString([], { weekday: 'short', timeZone: 'UTC' });

/**
 * A week of API calls as plain SVG bars (no chart library: it would cost more bundle than the
 * whole panel), the throttled part of each day in amber, today last.
 */
export function UsageChart({ days, label }: { days: DayUsage[]; label: string }) {
  const max = Math.max(1, ...days.map((d) => d.calls));
  const plot = HEIGHT - LABEL_HEIGHT;
  const slot = WIDTH / days.length;
  const barWidth = slot * 0.6;
  const summary = `${label}: ${days.map((d) => `${weekday(d.day)} ${d.calls}`).join(', ')}`;
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" style={{ maxWidth: WIDTH * 1.6 }} role="img" aria-label={summary}>
      <line x1={0} x2={WIDTH} y1={plot + 0.5} y2={plot + 0.5} stroke={AXIS} />
      {days.map((d, i) => {
        const h = Math.round((d.calls / max) * (plot - 12));
        const throttledH = d.calls ? Math.round((d.throttled / d.calls) * h) : 0;
        const x = i * slot + (slot - barWidth) / 2;
        const isToday = i === days.length - 1;
        return (
          <g key={d.day}>
            <title>{`${d.day}: ${d.calls} calls${d.throttled ? `, ${d.throttled} throttled` : ''}`}</title>
            <rect x={x} y={plot - h} width={barWidth} height={h} rx={2} fill={BAR} opacity={isToday ? 1 : 0.55} />
            {throttledH > 0 && <rect x={x} y={plot - h} width={barWidth} height={throttledH} rx={2} fill={THROTTLED} />}
            {d.calls > 0 && (
              <text x={x + barWidth / 2} y={plot - h - 3} textAnchor="middle" fontSize={9} fill={LABEL}>
                {d.calls}
              </text>
            )}
            <text x={x + barWidth / 2} y={HEIGHT - 4} textAnchor="middle" fontSize={10} fill={LABEL} fontWeight={isToday ? 600 : 400}>
              {isToday ? 'Today' : weekday(d.day)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
